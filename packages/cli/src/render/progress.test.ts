import { describe, expect, it } from 'vitest';
import type { ReleaseEvent } from '@provenant/core';
import type { Output } from '../output.js';
import { createProgress, diffLines } from './progress.js';

function capture(json = false): { output: Output; lines: string[] } {
  const lines: string[] = [];
  const push = (t: string) => lines.push(...t.replace(/\n$/, '').split('\n'));
  return { lines, output: { json, color: false, human: push, diag: push, data: () => {} } };
}

const record = (name: string, state: 'published' | 'failed' | 'blocked', codes: string[] = []) => ({
  name,
  state,
  attempts: 1,
  durationMs: 812,
  integrity: null,
  problems: codes.map((code) => ({
    code: code as never,
    severity: 'error' as const,
    message: '',
    hint: null,
  })),
});

describe('plain progress (CI, no TTY)', () => {
  it('prints one line per event, codes not prose', async () => {
    const { output, lines } = capture();
    const progress = createProgress({ output, env: { CI: 'true' }, verify: true, interactive: true });
    const events: ReleaseEvent[] = [
      { type: 'stage', stage: 'publish', detail: 'Publishing with npm 11.6.0' },
      { type: 'publishing', names: ['@s/a'], command: 'npm publish -w @s/a', attempt: 1 },
      { type: 'retrying', name: '@s/a', attempt: 2, delayMs: 1500, reason: '429' },
      { type: 'published', record: record('@s/a', 'published') },
      { type: 'published', record: record('@s/b', 'failed', ['PUBLISH_FAILED']) },
      { type: 'published', record: record('@s/c', 'blocked', ['DEPENDENCY_BLOCKED']) },
      {
        type: 'verified',
        report: {
          name: '@s/a',
          version: '1.0.0',
          dir: null,
          status: 'unverified',
          problems: [{ code: 'PROVENANCE_MISSING', severity: 'error', message: '', hint: null }],
          publish: null,
          verification: null,
        },
      },
      { type: 'restored', paths: ['.npmrc'] },
    ];
    for (const e of events) progress.onEvent(e);
    await progress.close();
    expect(lines).toEqual([
      '» Publishing with npm 11.6.0',
      '  @s/a: publishing — npm publish -w @s/a',
      '  @s/a: retrying in 1.5 s (attempt 2)',
      '✔ @s/a: published (1 attempt, 812 ms)',
      '✖ @s/b: failed [PUBLISH_FAILED]',
      '✖ @s/c: blocked [DEPENDENCY_BLOCKED]',
      '✖ @s/a@1.0.0: unverified [PROVENANCE_MISSING]',
      '  restored .npmrc',
    ]);
  });

  it('dry run lists file changes as a diff and the commands', () => {
    const { output, lines } = capture();
    createProgress({ output, env: {}, verify: true, interactive: false }).onEvent({
      type: 'dry-run',
      commands: ['npm publish -w @s/a --json'],
      fileChanges: [{ path: '.npmrc', before: 'registry=x\n', after: 'registry=x\nprovenance=true\n' }],
    });
    expect(lines).toContain('    + provenance=true');
    expect(lines).toContain('  $ npm publish -w @s/a --json');
  });

  it('diffLines', () => {
    expect(diffLines(null, 'a\n')).toEqual(['+ a']);
    expect(diffLines('a\nb\n', 'a\nc\n')).toEqual(['- b', '+ c']);
  });
});
