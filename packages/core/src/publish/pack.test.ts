import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecFn } from '../context.js';
import { changesetsAdapter } from './changesets.js';
import { integrityOf } from './integrity.js';
import { packTargets } from './pack.js';
import { pnpmAdapter } from './pnpm.js';
import type { PublishTarget } from './types.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(scripts: Record<string, Record<string, string>>): { root: string; targets: PublishTarget[] } {
  const root = mkdtempSync(join(tmpdir(), 'pack-test-'));
  dirs.push(root);
  const targets = Object.entries(scripts).map(([name, s]) => {
    const dir = join(root, 'packages', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', scripts: s }));
    return { name, version: '1.0.0', dir, relDir: `packages/${name}` };
  });
  return { root, targets };
}

/** A fake pnpm: `run <script>` fails when the script is named in `failing`; `pack` writes a tarball. */
function fakePnpm(failing: string[], calls: string[]): ExecFn {
  return (_file, args, options) => {
    const name = options.cwd.split('/').pop() ?? '';
    calls.push(`${name}: ${args.slice(0, 2).join(' ')}`);
    if (args[0] === 'run')
      return Promise.resolve({
        exitCode: failing.includes(name) ? 1 : 0,
        stdout: '',
        stderr: 'ERR! build failed',
      });
    const file = join(args[2] ?? '', `${name}-1.0.0.tgz`);
    writeFileSync(file, `tarball of ${name}`);
    return Promise.resolve({ exitCode: 0, stdout: JSON.stringify({ name, filename: file }), stderr: '' });
  };
}

describe('packTargets for a publisher that publishes what it packed', () => {
  it('pnpm: runs prepublishOnly first, keeps each tarball until dispose; a failing script leaves its package unpacked', async () => {
    const { root, targets } = repo({ a: { prepublishOnly: 'build' }, b: {}, c: { prepublishOnly: 'build' } });
    const calls: string[] = [];
    const result = await packTargets({
      root,
      adapter: pnpmAdapter('10.34.9'),
      targets,
      exec: fakePnpm(['c'], calls),
      env: {},
      extraEnv: {},
      concurrency: 1,
    });
    expect(calls).toEqual([
      'a: run prepublishOnly',
      'a: pack --pack-destination',
      'b: pack --pack-destination',
      'c: run prepublishOnly',
    ]);
    expect([...result.tarballs.keys()]).toEqual(['a', 'b']);
    expect(result.integrity.get('a')).toBe(integrityOf(Buffer.from('tarball of a')));
    expect(result.errors.get('c')).toContain('build failed');
    const file = result.tarballs.get('a') ?? '';
    result.dispose();
    expect(() => rmSync(file)).toThrow();
  });

  it('changesets 3: one pack for all, after every prepublishOnly; any failure packs nothing', async () => {
    const { root, targets } = repo({ a: { prepublishOnly: 'build' }, b: { prepublishOnly: 'build' } });
    const calls: string[] = [];
    const result = await packTargets({
      root,
      adapter: changesetsAdapter('3.0.3', { underlying: 'npm' }),
      targets,
      exec: fakePnpm(['b'], calls),
      env: {},
      extraEnv: {},
      concurrency: 1,
    });
    expect(calls).toEqual(['a: run prepublishOnly', 'b: run prepublishOnly']);
    expect(result.tarballs.size).toBe(0);
    expect(result.integrity.size).toBe(0);
    result.dispose();
  });
});
