import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvenantError } from '../../errors.js';
import { readProjectLockfile } from './read-lockfile.js';

const SHA = (c: string) => `sha512-${Buffer.alloc(64, c).toString('base64')}`;

function project(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'audit-lock-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

function errorOf(fn: () => unknown): ProvenantError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProvenantError) return error;
    throw error;
  }
  throw new Error('expected a ProvenantError');
}

const NPM_LOCK = {
  name: 'app',
  lockfileVersion: 3,
  packages: {
    '': { name: 'app', dependencies: { a: '^1.0.0' } },
    'node_modules/a': { version: '1.0.0', resolved: 'https://r.test/a/-/a-1.0.0.tgz', integrity: SHA('a') },
    'node_modules/@s/b': {
      version: '2.0.0',
      resolved: 'https://r.test/@s/b/-/b-2.0.0.tgz',
      integrity: SHA('b'),
      dev: true,
    },
    'node_modules/x/node_modules/a': {
      version: '1.0.0',
      resolved: 'https://r.test/a/-/a-1.0.0.tgz',
      integrity: SHA('a'),
    },
    'node_modules/alias': {
      name: 'real',
      version: '3.0.0',
      resolved: 'https://r.test/real/-/real-3.0.0.tgz',
    },
    'node_modules/ws': { resolved: 'packages/ws', link: true },
    'packages/ws': { name: 'ws', version: '0.0.0' },
    'node_modules/g': { version: '1.0.0', resolved: 'git+ssh://git@github.com/o/g.git#abc' },
    'node_modules/t': { version: '1.0.0', resolved: 'https://cdn.example/t.tgz' },
    'node_modules/f': { version: '1.0.0', resolved: 'file:../f' },
  },
};

describe('readProjectLockfile', () => {
  it('package-lock v3: registry versions once, dev flags, aliases, skipped local/git/tarball deps', () => {
    const dir = project({ 'package-lock.json': JSON.stringify(NPM_LOCK) });
    const { lockfile, root } = readProjectLockfile(join(dir));
    expect(root).toBe(dir);
    expect(lockfile.packages).toEqual([
      { name: '@s/b', version: '2.0.0', integrity: SHA('b'), dev: true },
      { name: 'a', version: '1.0.0', integrity: SHA('a'), dev: false },
      { name: 'real', version: '3.0.0', integrity: null, dev: false },
    ]);
    expect(lockfile.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['f', 'file'],
      ['g', 'git'],
      ['t', 'tarball'],
      ['ws', 'link'],
    ]);
  });

  it('pnpm-lock v9: snapshots decide dev-ness; peer suffixes fold; link/file/git skipped', () => {
    const yaml = `lockfileVersion: '9.0'
importers:
  .:
    dependencies:
      a:
        specifier: ^1.0.0
        version: 1.0.0(p@1.0.0)
      local:
        specifier: link:../local
        version: link:../local
    devDependencies:
      d:
        specifier: ^4.0.0
        version: 4.0.0
packages:
  a@1.0.0:
    resolution: {integrity: ${SHA('a')}}
  c@2.0.0:
    resolution: {integrity: ${SHA('c')}}
  d@4.0.0:
    resolution: {integrity: ${SHA('d')}}
  p@1.0.0:
    resolution: {integrity: ${SHA('p')}}
  g@git+https://github.com/o/g.git#abc:
    resolution: {type: git, repo: https://github.com/o/g.git, commit: abc}
    version: 1.0.0
snapshots:
  a@1.0.0(p@1.0.0):
    dependencies:
      c: 2.0.0
  c@2.0.0: {}
  d@4.0.0: {}
  p@1.0.0: {}
`;
    const { lockfile } = readProjectLockfile(project({ 'pnpm-lock.yaml': yaml }));
    expect(lockfile.packages.map((p) => [p.name, p.version, p.dev])).toEqual([
      ['a', '1.0.0', false],
      ['c', '2.0.0', false],
      ['d', '4.0.0', true],
      ['p', '1.0.0', true],
    ]);
    expect(lockfile.packages[0]!.integrity).toBe(SHA('a'));
    expect(lockfile.skipped.map((s) => [s.name, s.reason])).toEqual([['g', 'git']]);
  });

  it('pnpm-lock v6: /name@version keys with dev flags', () => {
    const yaml = `lockfileVersion: '6.0'
packages:
  /@s/a@1.0.0(react@18.0.0):
    resolution: {integrity: ${SHA('a')}}
    dev: false
  /b@2.0.0:
    resolution: {integrity: ${SHA('b')}}
    dev: true
`;
    const { lockfile } = readProjectLockfile(project({ 'pnpm-lock.yaml': yaml }));
    expect(lockfile.packages).toEqual([
      { name: '@s/a', version: '1.0.0', integrity: SHA('a'), dev: false },
      { name: 'b', version: '2.0.0', integrity: SHA('b'), dev: true },
    ]);
  });

  it('yarn berry: npm resolutions (no integrity), workspaces and patches skipped, dev from the manifests', () => {
    const lock = `__metadata:
  version: 8
  cacheKey: 10c0

"a@npm:^1.0.0":
  version: 1.0.0
  resolution: "a@npm:1.0.0"
  dependencies:
    c: "npm:^2.0.0"
  checksum: 10c0/aaaa
  languageName: node
  linkType: hard

"c@npm:^2.0.0":
  version: 2.0.0
  resolution: "c@npm:2.0.0"
  languageName: node
  linkType: hard

"@s/d@npm:^4.0.0":
  version: 4.0.0
  resolution: "@s/d@npm:4.0.0"
  languageName: node
  linkType: hard

"r@patch:r@npm%3A1.0.0#~builtin<compat/r>":
  version: 1.0.0
  resolution: "r@patch:r@npm%3A1.0.0#~builtin<compat/r>::version=1.0.0&hash=abc"
  languageName: node
  linkType: hard

"app@workspace:.":
  version: 0.0.0-use.local
  resolution: "app@workspace:."
  languageName: unknown
  linkType: soft

"w@workspace:packages/w":
  version: 0.0.0-use.local
  resolution: "w@workspace:packages/w"
  languageName: unknown
  linkType: soft
`;
    const dir = project({
      'yarn.lock': lock,
      'package.json': JSON.stringify({
        name: 'app',
        dependencies: { a: '^1.0.0' },
        devDependencies: { '@s/d': '^4.0.0' },
      }),
      'packages/w/package.json': JSON.stringify({ name: 'w' }),
    });
    const { lockfile } = readProjectLockfile(dir);
    expect(lockfile.packages).toEqual([
      { name: '@s/d', version: '4.0.0', integrity: null, dev: true },
      { name: 'a', version: '1.0.0', integrity: null, dev: false },
      { name: 'c', version: '2.0.0', integrity: null, dev: false },
    ]);
    expect(lockfile.skipped.map((s) => [s.name, s.reason])).toEqual([
      ['r', 'patch'],
      ['w', 'workspace'],
    ]);
  });

  it.each([
    [
      'package-lock.json',
      '{\n  "lockfileVersion": 3,\n  "packages": {\n    "": { "name": x }\n  }\n}',
      'line 4',
    ],
    [
      'pnpm-lock.yaml',
      "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x\n  b: [\n",
      'line ',
    ],
    [
      'yarn.lock',
      '__metadata:\n  version: 8\n"a@npm:1":\n  version: 1.0.0\n    resolution: bad: yaml\n',
      'line ',
    ],
  ])('a malformed %s is LOCKFILE_INVALID naming the file and line', (file, text, where) => {
    const error = errorOf(() => readProjectLockfile(project({ [file]: text })));
    expect(error.code).toBe('LOCKFILE_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(file);
    expect(error.message).toContain(where);
    expect(error.hint).toBeTruthy();
  });

  it.each([
    ['package-lock.json', JSON.stringify({ lockfileVersion: 1, dependencies: {} })],
    ['package-lock.json', JSON.stringify({ lockfileVersion: 4, packages: {} })],
    ['pnpm-lock.yaml', "lockfileVersion: '5.4'\n"],
    ['yarn.lock', '# yarn lockfile v1\n\na@^1:\n  version "1.0.0"\n'],
    ['yarn.lock', '__metadata:\n  version: 3\n'],
  ])('an unknown %s version is LOCKFILE_INVALID', (file, text) => {
    expect(errorOf(() => readProjectLockfile(project({ [file]: text }))).code).toBe('LOCKFILE_INVALID');
  });

  it('a version that is not semver is LOCKFILE_INVALID', () => {
    const lock = { lockfileVersion: 3, packages: { 'node_modules/a': { version: 'latest' } } };
    const error = errorOf(() => readProjectLockfile(project({ 'package-lock.json': JSON.stringify(lock) })));
    expect(error.code).toBe('LOCKFILE_INVALID');
    expect(error.message).toContain('node_modules/a');
  });

  it('no lockfile at all is LOCKFILE_INVALID; --installed reads node_modules', () => {
    const dir = project({
      '.git/HEAD': 'ref: refs/heads/main\n',
      'node_modules/a/package.json': JSON.stringify({ name: 'a', version: '1.0.0', _integrity: SHA('a') }),
      'node_modules/a/node_modules/@s/b/package.json': JSON.stringify({ name: '@s/b', version: '2.0.0' }),
      'node_modules/.pnpm/c@3.0.0/node_modules/c/package.json': JSON.stringify({
        name: 'c',
        version: '3.0.0',
      }),
    });
    expect(errorOf(() => readProjectLockfile(dir)).code).toBe('LOCKFILE_INVALID');
    const { lockfile } = readProjectLockfile(dir, { installed: true });
    expect(lockfile.packages.map((p) => [p.name, p.version, p.integrity])).toEqual([
      ['@s/b', '2.0.0', null],
      ['a', '1.0.0', SHA('a')],
      ['c', '3.0.0', null],
    ]);
  });
});
