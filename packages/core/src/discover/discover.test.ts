import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { discoverWorkspace } from './index.js';
import { createMatcher } from './glob.js';
import { findJsonError } from './json-position.js';
import { pnpmWorkspaceGlobs } from './locate.js';

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Writes a fixture tree (`path → content`; objects become JSON) into a fresh temp dir with a `.git` marker. */
function fixture(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'provenant-discover-'));
  made.push(root);
  mkdirSync(join(root, '.git'));
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const pkg = (name: string, extra: Record<string, unknown> = {}) => ({ name, version: '1.0.0', ...extra });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProvenantError);
    return (error as ProvenantError).code;
  }
  return 'no error';
}

async function errorOf(promise: Promise<unknown>): Promise<ProvenantError> {
  try {
    await promise;
  } catch (error) {
    return error as ProvenantError;
  }
  throw new Error('expected an error');
}

describe('discoverWorkspace', () => {
  it('reads an npm workspace (no lockfile needed) with edges of every type', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'packages/a/package.json': pkg('a', { dependencies: { b: '^1.0.0', lodash: '^4' } }),
      'packages/b/package.json': pkg('b', { peerDependencies: { c: '*' }, devDependencies: { a: '1.0.0' } }),
      'packages/c/package.json': pkg('@s/c', { optionalDependencies: { b: '^2.0.0' } }),
      'packages/c2/package.json': pkg('c'),
      'packages/not-a-package/README.md': 'no manifest here',
    });
    const ws = await discoverWorkspace(root);
    expect(ws.root.tool).toBe('npm');
    expect(ws.root.dir).toBe(root);
    expect(ws.packages.map((p) => [p.name, p.relativeDir])).toEqual([
      ['@s/c', 'packages/c'],
      ['a', 'packages/a'],
      ['b', 'packages/b'],
      ['c', 'packages/c2'],
    ]);
    expect(ws.edges).toEqual([
      { from: 'a', to: 'b', type: 'dependencies', range: '^1.0.0' },
      { from: 'b', to: 'c', type: 'peerDependencies', range: '*' },
      { from: 'b', to: 'a', type: 'devDependencies', range: '1.0.0' },
    ]);
    const a = ws.packages.find((p) => p.name === 'a')!;
    expect(a.dir).toBe(join(root, 'packages/a'));
    expect(a.manifestPath).toBe(join(root, 'packages/a/package.json'));
  });

  it('reads an npm workspace with a lockfile through manypkg, from a folder inside it', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'package-lock.json': { lockfileVersion: 3 },
      'packages/a/package.json': pkg('a'),
      'packages/a/src/index.js': '',
    });
    const ws = await discoverWorkspace(join(root, 'packages/a/src'));
    expect(ws.root).toMatchObject({ dir: root, tool: 'npm' });
    expect(ws.packages.map((p) => p.name)).toEqual(['a']);
  });

  it('reads a pnpm workspace with workspace: ranges and excludes', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true },
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n  - \"tools/**\"\n  - '!**/fixtures/**'\n",
      'packages/a/package.json': pkg('@p/a', { dependencies: { '@p/b': 'workspace:^' } }),
      'packages/b/package.json': pkg('@p/b', { dependencies: { '@p/tool': 'workspace:*' } }),
      'tools/deep/tool/package.json': pkg('@p/tool'),
      'tools/fixtures/x/package.json': pkg('@p/fixture'),
      'node_modules/z/package.json': pkg('z'),
    });
    const ws = await discoverWorkspace(root);
    expect(ws.root.tool).toBe('pnpm');
    expect(ws.packages.map((p) => p.name)).toEqual(['@p/a', '@p/b', '@p/tool']);
    expect(ws.edges.map((e) => `${e.from}->${e.to}:${e.range}`)).toEqual([
      '@p/a->@p/b:workspace:^',
      '@p/b->@p/tool:workspace:*',
    ]);
  });

  it('reads a yarn berry workspace (workspaces.packages form)', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: { packages: ['libs/*'] } },
      'yarn.lock': '__metadata:\n  version: 8\n',
      '.yarnrc.yml': 'nodeLinker: node-modules\n',
      'libs/one/package.json': pkg('one', { dependencies: { two: 'workspace:^' } }),
      'libs/two/package.json': pkg('two'),
    });
    const ws = await discoverWorkspace(root);
    expect(ws.root.tool).toBe('yarn');
    expect(ws.edges).toEqual([{ from: 'one', to: 'two', type: 'dependencies', range: 'workspace:^' }]);
  });

  it('reads a lerna repo', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true },
      'lerna.json': { version: 'independent', packages: ['modules/*'] },
      'modules/x/package.json': pkg('x'),
      'packages/y/package.json': pkg('y'),
    });
    const ws = await discoverWorkspace(join(root, 'modules'));
    expect(ws.root.tool).toBe('lerna');
    expect(ws.packages.map((p) => p.name)).toEqual(['x']);
  });

  it('prefers the nearest workspace root over an outer one manypkg would pick', async () => {
    const root = fixture({
      'package.json': { name: 'outer', private: true },
      'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
      'packages/x/package.json': pkg('x'),
      'examples/inner/package.json': { name: 'inner', private: true, workspaces: ['libs/*'] },
      'examples/inner/libs/y/package.json': pkg('y'),
    });
    const ws = await discoverWorkspace(join(root, 'examples/inner/libs/y'));
    expect(ws.root).toMatchObject({ dir: join(root, 'examples/inner'), tool: 'npm' });
    expect(ws.packages.map((p) => p.name)).toEqual(['y']);
    const outer = await discoverWorkspace(join(root, 'packages/x'));
    expect(outer.root).toMatchObject({ dir: root, tool: 'pnpm' });
  });

  it('reads a single-package repo as one package at "."', async () => {
    const root = fixture({ 'package.json': pkg('solo'), 'src/index.js': '' });
    const ws = await discoverWorkspace(join(root, 'src'));
    expect(ws.root.tool).toBe('root');
    expect(ws.packages).toHaveLength(1);
    expect(ws.packages[0]).toMatchObject({ name: 'solo', relativeDir: '.', dir: root });
  });

  it('accepts a BOM in manifests', async () => {
    const root = fixture({
      'package.json': '\uFEFF' + JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'] }),
      'package-lock.json': '{}',
      'packages/a/package.json': '\uFEFF' + JSON.stringify(pkg('a')),
    });
    const ws = await discoverWorkspace(root);
    expect(ws.packages.map((p) => p.name)).toEqual(['a']);
  });

  it('skips a nameless private package, records readable-but-invalid manifests as issues', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'packages/app/package.json': { private: true },
      'packages/noversion/package.json': { name: 'noversion' },
      'packages/badsemver/package.json': { name: 'badsemver', version: 'one' },
      'packages/upper/package.json': { name: 'Upper', version: '1.0.0' },
      'packages/priv/package.json': { name: 'priv', private: true },
    });
    const ws = await discoverWorkspace(root);
    const issues = Object.fromEntries(ws.packages.map((p) => [p.name, p.manifestIssues]));
    expect(issues).toEqual({
      Upper: ['name must be lower case'],
      badsemver: ['"version" "one" is not valid semver'],
      noversion: ['"version" is missing'],
      priv: [],
    });
    expect(ws.packages.find((p) => p.name === 'priv')!.version).toBe('');
  });

  it('NO_WORKSPACE for a missing folder, a file, or no package.json', async () => {
    const root = fixture({ 'file.txt': 'x' });
    expect(await codeOf(discoverWorkspace(join(root, 'missing')))).toBe('NO_WORKSPACE');
    expect(await codeOf(discoverWorkspace(join(root, 'file.txt')))).toBe('NO_WORKSPACE');
    expect(await codeOf(discoverWorkspace(root))).toBe('NO_WORKSPACE');
    const error = await errorOf(discoverWorkspace(root));
    expect(error.hint).toContain('--cwd');
    expect(error.exitCode).toBe(2);
  });

  it('INVALID_MANIFEST names the file, line and column of a syntax error in a member', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'package-lock.json': '{}',
      'packages/a/package.json': pkg('a'),
      'packages/b/package.json': '{\n  "name": "b",\n  "version": "1.0.0",\n}\n',
    });
    const error = await errorOf(discoverWorkspace(root));
    expect(error.code).toBe('INVALID_MANIFEST');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(join(root, 'packages/b/package.json'));
    expect(error.message).toContain('line 4, column 1');
    expect(error.hint).not.toBeNull();
  });

  it('INVALID_MANIFEST for a malformed root manifest', async () => {
    const root = fixture({ 'package.json': '{"name": "x",' });
    const error = await errorOf(discoverWorkspace(root));
    expect(error.code).toBe('INVALID_MANIFEST');
    expect(error.message).toContain('line 1, column 14');
  });

  it('INVALID_MANIFEST for a nameless public package, a non-object, and a path-traversal name', async () => {
    const base = { 'package.json': { name: 'root', private: true, workspaces: ['packages/*'] } };
    expect(
      await codeOf(discoverWorkspace(fixture({ ...base, 'packages/a/package.json': { version: '1.0.0' } }))),
    ).toBe('INVALID_MANIFEST');
    expect(await codeOf(discoverWorkspace(fixture({ ...base, 'packages/a/package.json': '[]' })))).toBe(
      'INVALID_MANIFEST',
    );
    for (const name of ['../evil', '@scope/../../x', 'a/b', '@s/a/b', '.hidden', 'a\\b']) {
      const code = await codeOf(
        discoverWorkspace(fixture({ ...base, 'packages/a/package.json': pkg(name) })),
      );
      expect(code, name).toBe('INVALID_MANIFEST');
    }
  });

  it('DUPLICATE_PACKAGE when two folders share a name', async () => {
    const root = fixture({
      'package.json': { name: 'root', private: true, workspaces: ['packages/*'] },
      'packages/a/package.json': pkg('same'),
      'packages/b/package.json': pkg('same'),
    });
    const error = await errorOf(discoverWorkspace(root));
    expect(error.code).toBe('DUPLICATE_PACKAGE');
    expect(error.message).toContain('packages/a');
    expect(error.message).toContain('packages/b');
    expect(error.hint).toContain('Rename');
  });
});

describe('helpers', () => {
  it('createMatcher: includes, excludes, scopes', () => {
    const m = createMatcher(['@s/*', '!@s/internal-*', 'plain']);
    expect(['@s/a', '@s/internal-x', 'plain', 'other', '@s/a/b'].filter(m)).toEqual(['@s/a', 'plain']);
    expect(createMatcher([])('anything')).toBe(true);
    expect(createMatcher(['!x'])('y')).toBe(true);
    expect(createMatcher(['{a,b}-?'])('b-1')).toBe(true);
    expect(createMatcher(['**'])('@s/a')).toBe(true);
    expect(createMatcher(['a.b'])('aXb')).toBe(false);
  });

  it('findJsonError points at the first bad character', () => {
    expect(findJsonError('{"a": 1}')).toBeNull();
    expect(findJsonError('{"a": 1,}')).toMatchObject({ line: 1, column: 9 });
    expect(findJsonError('{\n "a": tru }')).toMatchObject({ line: 2, column: 7 });
    expect(findJsonError('{"a": 1} x')).toMatchObject({ reason: 'unexpected text after the end' });
  });

  it('pnpmWorkspaceGlobs reads block and flow lists', () => {
    expect(pnpmWorkspaceGlobs("packages:\n  # c\n  - 'a/*'\n  - b # x\nonlyBuilt: []\n")).toEqual([
      'a/*',
      'b',
    ]);
    expect(pnpmWorkspaceGlobs('packages: [\'a/*\', "b"]\n')).toEqual(['a/*', 'b']);
  });
});
