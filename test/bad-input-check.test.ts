// `provenant check` on bad input: each case gets its stable code and exit
// status, in bounded time, without a stack trace (unless --debug), and
// without changing a file. One Verdaccio for the cases that need a registry;
// tiny node:http servers for registries that misbehave.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeNpmrc, type Registry } from '../packages/testing/dist/index.js';
import { check, localEnv } from './helpers/check-rig.js';
import type { CliResult } from './helpers/run-cli.js';
import {
  codes,
  envCodes,
  REFUSING_REGISTRY,
  STACK_TRACE,
  startRig,
  statuses,
  stopRig,
  tempDir,
  treeHash,
  type Rig,
} from './helpers/rig.js';

let rig: Rig;
let registry: Registry;
let home: string;
const servers: Server[] = [];

beforeAll(async () => {
  rig = await startRig();
  registry = rig.registry;
  home = await tempDir(rig, 'bad-home');
});
afterAll(async () => {
  for (const server of servers) server.close();
  await stopRig(rig);
});

const REPO = 'https://github.com/acme/widgets';
const rootManifest = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name: 'root', private: true, workspaces: ['packages/*'], ...extra });
const manifest = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    name,
    version: '1.0.0',
    repository: { type: 'git', url: REPO, directory: `packages/${name.replace(/^@[^/]+\//, '')}` },
    ...extra,
  });

/** Writes `files` (path → text) into a fresh temp dir with a token for the rig's registry. */
async function tree(files: Record<string, string>): Promise<string> {
  const dir = await tempDir(rig, 'bad-input');
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  await writeNpmrc(dir, registry);
  return dir;
}

/** Runs check in `dir`, bounded in time, and asserts it changed no file and printed no stack trace. */
async function checkIn(
  dir: string,
  args: string[],
  env = localEnv(home),
  maxMs = 15_000,
): Promise<CliResult> {
  const before = treeHash(dir);
  const started = Date.now();
  const result = await check(dir, ['--json', ...args], env, maxMs + 5_000);
  expect(Date.now() - started, 'bounded in time').toBeLessThan(maxMs);
  expect(result.stderr).not.toMatch(STACK_TRACE);
  expect(treeHash(dir)).toBe(before);
  return result;
}

function expectUsageError(result: CliResult, code: string, exit = 2): void {
  expect(result.code, result.stderr).toBe(exit);
  expect(result.json?.error?.code).toBe(code);
}

function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`),
    ),
  );
}

describe.concurrent('provenant check: where the workspace is', () => {
  it('a --cwd that does not exist: NO_WORKSPACE, exit 2', async () => {
    const dir = await tree({});
    expectUsageError(await checkIn(dir, ['--cwd', join(dir, 'missing')]), 'NO_WORKSPACE');
  });

  it('a file as --cwd: NO_WORKSPACE, exit 2', async () => {
    const dir = await tree({ 'notes.txt': 'x' });
    expectUsageError(await checkIn(dir, ['--cwd', join(dir, 'notes.txt')]), 'NO_WORKSPACE');
  });

  it('a folder with no package.json: NO_WORKSPACE, exit 2; --debug shows the stack', async () => {
    const dir = await tree({});
    expectUsageError(await checkIn(dir, []), 'NO_WORKSPACE');
    const debug = await check(dir, ['--json', '--debug'], localEnv(home));
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_TRACE);
  });

  it('workspace globs that match nothing: NO_PACKAGES warning, no package, exit 0', async () => {
    const dir = await tree({
      'package.json': rootManifest({ workspaces: ['libs/*'] }),
      'packages/a/package.json': manifest('a'),
    });
    const result = await checkIn(dir, []);
    expect(result.code, result.stderr).toBe(0);
    expect(result.json?.packages).toEqual([]);
    expect(envCodes(result)).toContain('NO_PACKAGES:warning');
  });
});

describe.concurrent('provenant check: manifests', () => {
  it('malformed JSON (root or member): INVALID_MANIFEST, exit 2', async () => {
    const root = await tree({ 'package.json': '{"name": "root",' });
    expectUsageError(await checkIn(root, []), 'INVALID_MANIFEST');
    const member = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': '{"name": "a" "version": "1.0.0"}',
    });
    expectUsageError(await checkIn(member, []), 'INVALID_MANIFEST');
  });

  it('a BOM before the JSON is accepted', async () => {
    const dir = await tree({
      'package.json': `\uFEFF${rootManifest()}`,
      'packages/a/package.json': `\uFEFF${manifest('bom-a')}`,
    });
    const result = await checkIn(dir, []);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual({ 'bom-a': 'ready' });
  });

  it('a public package without a name: INVALID_MANIFEST, exit 2 (a nameless private one is ignored)', async () => {
    const nameless = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': JSON.stringify({ version: '1.0.0' }),
    });
    expectUsageError(await checkIn(nameless, []), 'INVALID_MANIFEST');
    const privateNameless = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': manifest('named-a'),
      'packages/b/package.json': JSON.stringify({ private: true }),
    });
    const result = await checkIn(privateNameless, []);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual({ 'named-a': 'ready' });
  });

  it('a name with path traversal: INVALID_MANIFEST, exit 2', async () => {
    for (const name of ['../../evil', '@scope/../../evil', 'a\\..\\b']) {
      const dir = await tree({ 'package.json': rootManifest(), 'packages/a/package.json': manifest(name) });
      expectUsageError(await checkIn(dir, []), 'INVALID_MANIFEST');
    }
  });

  it('an invalid semver version blocks that package (INVALID_MANIFEST), exit 1', async () => {
    const dir = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': manifest('semver-a', { version: 'one.two' }),
      'packages/b/package.json': manifest('semver-b'),
    });
    const result = await checkIn(dir, []);
    expect(result.code).toBe(1);
    expect(statuses(result)).toEqual({ 'semver-a': 'blocked', 'semver-b': 'ready' });
    expect(codes(result, 'semver-a')).toContain('INVALID_MANIFEST');
  });

  it('two packages with one name: DUPLICATE_PACKAGE, exit 2', async () => {
    const dir = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': manifest('dup'),
      'packages/b/package.json': manifest('dup'),
    });
    expectUsageError(await checkIn(dir, []), 'DUPLICATE_PACKAGE');
  });

  it('a dependency cycle: DEPENDENCY_CYCLE warning, still ordered, exit 0', async () => {
    const dir = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': manifest('cyc-a', { dependencies: { 'cyc-b': '^1.0.0' } }),
      'packages/b/package.json': manifest('cyc-b', { dependencies: { 'cyc-a': '^1.0.0' } }),
      'packages/c/package.json': manifest('cyc-c', { dependencies: { 'cyc-a': '^1.0.0' } }),
    });
    const result = await checkIn(dir, []);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual({ 'cyc-a': 'ready', 'cyc-b': 'ready', 'cyc-c': 'ready' });
    for (const name of ['cyc-a', 'cyc-b']) {
      expect(result.json?.packages.find((p) => p.name === name)?.problems).toContainEqual(
        expect.objectContaining({ code: 'DEPENDENCY_CYCLE', severity: 'warning' }),
      );
    }
    // the package outside the cycle comes after the cycle it depends on
    expect(result.json?.packages.map((p) => p.name).at(-1)).toBe('cyc-c');
  });
});

describe.concurrent('provenant check: flags', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tree({ 'package.json': rootManifest(), 'packages/a/package.json': manifest('flags-a') });
  });

  it('an unknown flag: UNKNOWN_FLAG, exit 2', async () => {
    expectUsageError(await checkIn(dir, ['--frobnicate']), 'UNKNOWN_FLAG');
  });

  it('--concurrency 0, -1, abc: INVALID_FLAG_VALUE, exit 2', async () => {
    for (const value of ['0', '-1', 'abc', '1.5']) {
      expectUsageError(await checkIn(dir, ['--concurrency', value]), 'INVALID_FLAG_VALUE');
    }
  });

  it('a malformed --registry: INVALID_REGISTRY_URL, exit 2', async () => {
    for (const value of ['not a url', 'ftp://registry.example/', 'http://']) {
      expectUsageError(await checkIn(dir, ['--registry', value]), 'INVALID_REGISTRY_URL');
    }
  });
});

describe.concurrent('provenant check: registries that cannot answer', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tree({
      'package.json': rootManifest(),
      'packages/a/package.json': manifest('reg-a'),
      'packages/b/package.json': manifest('reg-b'),
    });
  });

  it('an unreachable registry: REGISTRY_UNREACHABLE within seconds, exit 1, packages still judged', async () => {
    const result = await checkIn(
      dir,
      ['--registry', REFUSING_REGISTRY],
      localEnv(home, { NPM_CONFIG_USERCONFIG: '/dev/null' }),
      10_000,
    );
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('REGISTRY_UNREACHABLE:error');
    expect(statuses(result)).toEqual({ 'reg-a': 'ready', 'reg-b': 'ready' });
  });

  it('a registry that never answers: REGISTRY_UNREACHABLE after --registry-timeout, never a hang', async () => {
    const silent = await listen(() => undefined);
    const result = await checkIn(
      dir,
      ['--registry', silent, '--registry-timeout', '1'],
      localEnv(home),
      10_000,
    );
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('REGISTRY_UNREACHABLE:error');
  });

  it('a registry answering HTML or garbage: REGISTRY_BAD_RESPONSE (an environment error), exit 1, no crash', async () => {
    const html = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><html><body>Sign in</body></html>');
    });
    const garbage = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('\u0000\u0001{"versions": [');
    });
    const notAnObject = await listen((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('[1, 2, 3]');
    });
    for (const url of [html, garbage, notAnObject]) {
      const result = await checkIn(dir, ['--registry', url]);
      expect(result.code, url).toBe(1);
      expect(envCodes(result), url).toContain('REGISTRY_BAD_RESPONSE:error');
      expect(statuses(result)).toEqual({ 'reg-a': 'ready', 'reg-b': 'ready' });
    }
  });

  it('a publisher missing from PATH: PUBLISHER_NOT_FOUND, exit 1', async () => {
    const emptyBin = await tempDir(rig, 'bad-bin');
    const env = { ...localEnv(home), PATH: emptyBin };
    const result = await checkIn(dir, ['--registry', registry.url, '--publisher', 'pnpm'], env);
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('PUBLISHER_NOT_FOUND:error');
    expect(result.json?.environment.publisher).toBeNull();
    const npmMissing = await checkIn(dir, ['--registry', registry.url], env);
    expect(envCodes(npmMissing)).toContain('PUBLISHER_NOT_FOUND:error');
  });
});
