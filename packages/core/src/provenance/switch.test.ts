import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readFileOrNull } from '../context.js';
import { ProvenantError } from '../errors.js';
import { Journal } from './journal.js';
import { applyProvenanceSwitch, planProvenanceSwitch } from './switch.js';

/** The code of the ProvenantError `fn` throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ProvenantError ? error.code : `not a ProvenantError: ${String(error)}`;
  }
  return undefined;
}

const noFiles = () => null;

describe('planProvenanceSwitch', () => {
  const base = { root: '/r', packageDirs: [], readFile: noFiles };
  it('auto picks the environment variable the publisher reads', () => {
    const env = (name: 'npm' | 'pnpm' | 'yarn' | 'changesets', version: string) =>
      planProvenanceSwitch({ ...base, publisher: { name, version }, via: 'auto' }).env;
    expect(env('npm', '11.0.0')).toEqual({ NPM_CONFIG_PROVENANCE: 'true' });
    expect(env('yarn', '4.9.1')).toEqual({ YARN_NPM_PUBLISH_PROVENANCE: 'true' });
    expect(env('yarn', '4.9.1')).toEqual({ YARN_NPM_PUBLISH_PROVENANCE: 'true' });
    expect(env('changesets', '2.31.1')).toEqual({ NPM_CONFIG_PROVENANCE: 'true' });
  });
  it('auto for pnpm: --provenance per package plus both variables, for 9 to 12 alike', () => {
    for (const version of ['9.15.9', '10.34.9', '11.28.11', '12.23.0', '13.0.0']) {
      const sw = planProvenanceSwitch({ ...base, publisher: { name: 'pnpm', version }, via: 'auto' });
      expect(sw.via).toBe('flag');
      expect(sw.args).toEqual(['--provenance']);
      expect(sw.env).toEqual({ NPM_CONFIG_PROVENANCE: 'true', PNPM_CONFIG_PROVENANCE: 'true' });
    }
    // an explicit flag is the flag alone
    expect(
      planProvenanceSwitch({ ...base, publisher: { name: 'pnpm', version: '11.0.0' }, via: 'flag' }).env,
    ).toEqual({});
  });
  it('changesets: the variables of the tool it runs (yarn under changesets 3)', () => {
    const env = (delegate: 'npm' | 'pnpm' | 'yarn') =>
      planProvenanceSwitch({
        ...base,
        publisher: { name: 'changesets', version: '3.0.3', delegate: { name: delegate, version: null } },
        via: 'auto',
      }).env;
    expect(env('npm')).toEqual({ NPM_CONFIG_PROVENANCE: 'true' });
    expect(env('pnpm')).toEqual({ NPM_CONFIG_PROVENANCE: 'true', PNPM_CONFIG_PROVENANCE: 'true' });
    // never YARN_NPM_CONFIG_PROVENANCE: yarn refuses to run with it
    expect(env('yarn')).toEqual({ YARN_NPM_PUBLISH_PROVENANCE: 'true' });
  });
  it('a publisher that cannot do provenance is refused', () => {
    expect(
      codeOf(() =>
        planProvenanceSwitch({ ...base, publisher: { name: 'yarn', version: '4.5.0' }, via: 'auto' }),
      ),
    ).toBe('CONFLICTING_FLAGS');
  });
  it('flag adds --provenance', () => {
    expect(
      planProvenanceSwitch({ ...base, publisher: { name: 'npm', version: '11.0.0' }, via: 'flag' }).args,
    ).toEqual(['--provenance']);
  });
  it('refuses a switch the publisher version ignores', () => {
    expect(
      codeOf(() =>
        planProvenanceSwitch({ ...base, publisher: { name: 'pnpm', version: '9.15.9' }, via: 'yarnrc' }),
      ),
    ).toBe('CONFLICTING_FLAGS');
  });
  it('publish-config edits every package.json, journaled, and restores them', () => {
    const root = mkdtempSync(join(tmpdir(), 'provenant-switch-'));
    mkdirSync(join(root, '.git'));
    const dirs = ['a', 'b'].map((n) => join(root, 'packages', n));
    const originals = [
      '{\n  "name": "a"\n}\n',
      '{\n    "name": "b",\n    "publishConfig": {"provenance": true}\n}',
    ];
    dirs.forEach((d, i) => {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, 'package.json'), originals[i] ?? '');
    });
    const sw = planProvenanceSwitch({
      root,
      packageDirs: dirs,
      readFile: readFileOrNull,
      publisher: { name: 'npm', version: '11.0.0' },
      via: 'publish-config',
    });
    expect(sw.files.map((f) => f.relPath)).toEqual(['packages/a/package.json']);
    const journal = Journal.begin(root);
    applyProvenanceSwitch(sw, journal);
    expect(JSON.parse(readFileSync(join(dirs[0] ?? '', 'package.json'), 'utf8'))).toEqual({
      name: 'a',
      publishConfig: { provenance: true },
    });
    journal.restore();
    expect(readFileSync(join(dirs[0] ?? '', 'package.json'), 'utf8')).toBe(originals[0]);
  });
  it('npmrc and yarnrc edit the root file', () => {
    const files: Record<string, string> = { '/r/.npmrc': 'registry=http://x/\n' };
    const read = (p: string) => files[p] ?? null;
    const npmrc = planProvenanceSwitch({
      ...base,
      readFile: read,
      publisher: { name: 'npm', version: '11.0.0' },
      via: 'npmrc',
    });
    expect(npmrc.files).toEqual([
      {
        path: '/r/.npmrc',
        relPath: '.npmrc',
        before: 'registry=http://x/\n',
        after: 'registry=http://x/\nprovenance=true\n',
      },
    ]);
    const yarnrc = planProvenanceSwitch({
      ...base,
      readFile: read,
      publisher: { name: 'yarn', version: '4.9.1' },
      via: 'yarnrc',
    });
    expect(yarnrc.files[0]?.before).toBeNull();
  });
});
