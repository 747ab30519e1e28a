import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TagOutcome } from '@provenant/core';
import { afterEach, describe, expect, it } from 'vitest';
import { appendChangesetsOutput, newTagLines } from './new-tags.js';

const tags: TagOutcome[] = [
  { name: '@s/a', version: '1.0.0', tag: '@s/a@1.0.0', state: 'created' },
  { name: 'b', version: '2.0.0-rc.1', tag: 'b@2.0.0-rc.1', state: 'existing' },
  { name: 'c', version: '1.0.0', tag: 'c@1.0.0', state: 'conflict' },
  { name: 'd', version: '1.0.0', tag: 'd@1.0.0', state: 'failed' },
];

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('New tag: lines', () => {
  it('one plain line per tag now at HEAD; none for a tag left elsewhere or refused', () => {
    expect(newTagLines(tags)).toEqual(['New tag: @s/a@1.0.0', 'New tag: b@2.0.0-rc.1']);
  });
});

describe('CHANGESETS_OUTPUT events', () => {
  it('appends one git-tag event per announced tag, after what is there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-output-'));
    dirs.push(dir);
    const file = join(dir, 'out.ndjson');
    writeFileSync(file, '{"type":"other"}\n');
    expect(appendChangesetsOutput(file, tags)).toBeNull();
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { type: 'other' },
      { type: 'git-tag', tag: '@s/a@1.0.0', packageName: '@s/a' },
      { type: 'git-tag', tag: 'b@2.0.0-rc.1', packageName: 'b' },
    ]);
  });

  it('says why it could not write, without throwing (the publish stands)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cs-output-'));
    dirs.push(dir);
    expect(appendChangesetsOutput(join(dir, 'missing', 'out.ndjson'), tags)).not.toBeNull();
    expect(appendChangesetsOutput(join(dir, 'none.ndjson'), [])).toBeNull();
  });
});
