import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ExecFn } from '../context.js';
import { ProvenantError } from '../errors.js';
import type { Packument } from '../registry/packument.js';
import { checkWorkspace, fetchPublishedVersions, type CheckContext, type PackumentSource } from './index.js';

const made: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function fixture(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'provenant-check-'));
  made.push(root);
  mkdirSync(join(root, '.git'));
  mkdirSync(join(root, 'home'));
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return root;
}

const repo = (dir: string) => ({ type: 'git', url: 'git+https://github.com/o/r.git', directory: dir });

/** A pnpm monorepo: a ← b ← @s/c, a private tool, an already-published d. */
function monorepo(): string {
  return fixture({
    'package.json': { name: 'root', private: true, packageManager: 'pnpm@9.15.9' },
    'pnpm-workspace.yaml': 'packages:\n  - packages/*\n',
    'pnpm-lock.yaml': 'lockfileVersion: 9.0\n',
    '.npmrc': '//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n',
    'packages/a/package.json': { name: 'a', version: '1.0.0', repository: repo('packages/a') },
    'packages/b/package.json': {
      name: 'b',
      version: '2.0.0-beta.1',
      repository: repo('packages/b'),
      dependencies: { a: 'workspace:^' },
    },
    'packages/c/package.json': {
      name: '@s/c',
      version: '1.0.0',
      repository: repo('packages/c'),
      dependencies: { b: 'workspace:*' },
    },
    'packages/d/package.json': { name: 'd', version: '3.0.0', repository: repo('packages/d') },
    'packages/tool/package.json': { name: 'tool', private: true, devDependencies: { a: 'workspace:*' } },
  });
}

const exec: ExecFn = (file) => {
  const versions: Record<string, string> = { npm: '11.6.0', pnpm: '9.15.9' };
  const v = versions[file];
  return Promise.resolve(
    v
      ? { exitCode: 0, stdout: v, stderr: '' }
      : { exitCode: 127, stdout: '', stderr: '', failedToStart: 'ENOENT' },
  );
};

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'o/r',
  RUNNER_ENVIRONMENT: 'github-hosted',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://t',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x',
  NPM_TOKEN: 'npm_secret',
};

function fakeRegistry(packuments: Record<string, string[]>, calls: string[] = []): PackumentSource {
  return {
    getPackument(name) {
      calls.push(name);
      const versions = packuments[name];
      if (!versions) return Promise.resolve(null);
      return Promise.resolve({
        name,
        versions: Object.fromEntries(versions.map((v) => [v, { name, version: v }])),
      } satisfies Packument);
    },
  };
}

function ctx(
  root: string,
  over: Partial<CheckContext> = {},
  source: PackumentSource = fakeRegistry({ d: ['3.0.0'], a: ['0.9.0'] }),
): CheckContext {
  return {
    env: GITHUB,
    exec,
    readFile: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    },
    home: join(root, 'home'),
    packuments: () => source,
    // no network in unit tests: the id token endpoint is unreachable
    fetch: () => Promise.reject(new TypeError('fetch failed')),
    ...over,
  };
}

describe('checkWorkspace', () => {
  it('reports environment and packages in publishing order, with the plan', async () => {
    const root = monorepo();
    const calls: string[] = [];
    const result = await checkWorkspace(
      { cwd: join(root, 'packages/b') },
      ctx(root, {}, fakeRegistry({ d: ['3.0.0'], a: ['0.9.0'] }, calls)),
    );
    expect(result.environment).toEqual({
      ci: 'github-actions',
      repository: 'https://github.com/o/r',
      runner: 'github-hosted',
      publisher: { name: 'pnpm', version: '9.15.9' },
      npmVersion: '11.6.0',
      // pnpm: --provenance per package (plus both variables), honoured by 9–12
      provenanceVia: 'flag',
      problems: [],
    });
    expect(result.registry).toBe('https://registry.npmjs.org/');
    expect(result.packages.map((p) => [p.name, p.dir, p.status, p.problems.map((x) => x.code)])).toEqual([
      ['a', 'packages/a', 'ready', []],
      ['b', 'packages/b', 'ready', []],
      ['@s/c', 'packages/c', 'blocked', ['ACCESS_NOT_PUBLIC']],
      ['d', 'packages/d', 'skipped', ['ALREADY_PUBLISHED']],
      ['tool', 'packages/tool', 'skipped', ['PRIVATE']],
    ]);
    expect(result.plan.order).toEqual(['a', 'b', '@s/c']);
    expect(result.plan.packages.find((p) => p.name === 'b')!.distTag).toBe('beta');
    expect(calls.sort()).toEqual(['@s/c', 'a', 'b', 'd']); // never the private package
  });

  it('judges packages on their own when the registry is unreachable', async () => {
    const root = monorepo();
    let asked = 0;
    const down: PackumentSource = {
      getPackument() {
        asked++;
        return Promise.reject(
          new ProvenantError(
            'REGISTRY_UNREACHABLE',
            'Cannot reach https://registry.npmjs.org/a: ECONNREFUSED',
            { hint: 'Check the network.' },
          ),
        );
      },
    };
    const result = await checkWorkspace({ cwd: root, concurrency: 1 }, ctx(root, {}, down));
    expect(result.environment.problems.map((p) => [p.code, p.severity])).toEqual([
      ['REGISTRY_UNREACHABLE', 'error'],
    ]);
    expect(asked).toBe(1); // stops asking once the registry proved unreachable
    expect(result.packages.map((p) => [p.name, p.status])).toEqual([
      ['a', 'ready'],
      ['b', 'ready'],
      ['@s/c', 'blocked'],
      ['d', 'ready'],
      ['tool', 'skipped'],
    ]);
  });

  it('outside CI with an unresolved ${NPM_TOKEN}: CI_NOT_DETECTED (warning), PLACEHOLDER_TOKEN and AUTH_MISSING; release mode makes CI an error', async () => {
    const root = monorepo();
    const check = await checkWorkspace({ cwd: root }, ctx(root, { env: {} }));
    expect(check.environment.problems.map((p) => `${p.code}:${p.severity}`)).toEqual([
      'CI_NOT_DETECTED:warning',
      'PLACEHOLDER_TOKEN:error',
      'AUTH_MISSING:error',
    ]);
    expect(check.environment.repository).toBeNull();
    const release = await checkWorkspace(
      { cwd: root, mode: 'release' },
      ctx(root, { env: { NPM_TOKEN: 't' } }),
    );
    expect(release.environment.problems.map((p) => `${p.code}:${p.severity}`)).toEqual([
      'CI_NOT_DETECTED:error',
    ]);
  });

  it("the context's clock judges a rejected id token's expiry (OIDC_TOKEN_REJECTED), not the host's", async () => {
    const root = monorepo();
    const exp = 1_000_000_000; // 2001-09-09
    const payload = Buffer.from(
      JSON.stringify({ iss: 'https://gitlab.com', aud: 'npm:registry.npmjs.org', exp }),
    );
    const env = { ...GITHUB, NPM_ID_TOKEN: `e30.${payload.toString('base64url')}.sig` };
    // every exchange answers 401, as npm does for an expired or foreign id token
    const fetch401: typeof fetch = () =>
      Promise.resolve(
        new Response(JSON.stringify({ message: 'OIDC token exchange error - unauthorized' }), {
          status: 401,
          headers: { 'content-type': 'application/json' },
        }),
      );
    const rejected = async (now: number) => {
      const result = await checkWorkspace({ cwd: root }, ctx(root, { env, fetch: fetch401, now: () => now }));
      const a = result.packages.find((p) => p.name === 'a')!;
      expect(a.problems.map((p) => p.code)).toContain('OIDC_TOKEN_REJECTED');
      return a.problems.find((p) => p.code === 'OIDC_TOKEN_REJECTED')!.message;
    };
    expect(await rejected(exp * 1000 - 1000)).not.toContain('expired');
    expect(await rejected(exp * 1000 + 1000)).toContain('the token has expired');
  });

  it('--filter, --access, --tag and --registry reach the plan and the rules', async () => {
    const root = monorepo();
    const result = await checkWorkspace(
      { cwd: root, filter: ['@s/*'], access: 'public', tag: 'canary', registry: 'http://127.0.0.1:4873' },
      ctx(root, { env: { ...GITHUB, npm_config_registry: 'https://ignored.example/' } }),
    );
    expect(result.registry).toBe('http://127.0.0.1:4873/');
    expect(result.packages.map((p) => [p.name, p.status, p.problems.map((x) => x.code)])).toEqual([
      // b and a are excluded and unpublished at their local versions
      ['@s/c', 'blocked', ['DEPENDENCY_BLOCKED']],
    ]);
    expect(result.plan.packages[0]!.distTag).toBe('canary');
    expect(result.environment.problems.map((p) => p.code)).toEqual([
      'REGISTRY_NO_PROVENANCE',
      'AUTH_MISSING',
    ]);
  });

  it('a GitHub job with a wrong-case repository blocks every package with REPOSITORY_MISMATCH', async () => {
    const root = monorepo();
    const result = await checkWorkspace(
      { cwd: root },
      ctx(root, { env: { ...GITHUB, GITHUB_REPOSITORY: 'O/r' } }),
    );
    expect(result.packages.filter((p) => p.status === 'blocked').map((p) => p.name)).toEqual([
      'a',
      'b',
      '@s/c',
    ]);
    expect(result.packages[0]!.problems[0]!.hint).toContain('"url":"https://github.com/O/r"');
  });

  it('talks to a real HTTP registry through the default client', async () => {
    const root = monorepo();
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url === '/d') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: 'd', versions: { '3.0.0': {} } }));
      } else if (req.url === '/b') {
        res.setHeader('content-type', 'text/html');
        res.end('<html>login</html>');
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    writeFileSync(
      join(root, '.npmrc'),
      `registry=http://127.0.0.1:${port}/\n//127.0.0.1:${port}/:_authToken=local-token\n`,
    );
    const { packuments: _unused, ...real } = ctx(root);
    const result = await checkWorkspace({ cwd: root }, { ...real, fetch: globalThis.fetch });
    expect(result.registry).toBe(`http://127.0.0.1:${port}/`);
    // public reads go out without the token (it is sent only after a 401/403)
    expect(seen).toContain('/@s%2fc ');
    expect(seen.some((line) => line.includes('local-token'))).toBe(false);
    expect(result.packages.find((p) => p.name === 'd')!.status).toBe('skipped');
    expect(result.environment.problems.map((p) => p.code)).toEqual([
      'REGISTRY_NO_PROVENANCE',
      'REGISTRY_BAD_RESPONSE',
    ]);
  });

  it('NO_WORKSPACE and INVALID_MANIFEST are thrown (exit 2), not reported', async () => {
    const root = fixture({});
    await expect(checkWorkspace({ cwd: join(root, 'nope') }, ctx(root))).rejects.toMatchObject({
      code: 'NO_WORKSPACE',
    });
    const bad = fixture({ 'package.json': '{ "name": ' });
    await expect(checkWorkspace({ cwd: bad }, ctx(bad))).rejects.toMatchObject({ code: 'INVALID_MANIFEST' });
  });
});

describe('fetchPublishedVersions', () => {
  it('maps 404 to [] and keeps going after a bad answer', async () => {
    const source: PackumentSource = {
      getPackument(name) {
        if (name === 'bad') return Promise.reject(new ProvenantError('REGISTRY_BAD_RESPONSE', 'not JSON'));
        return Promise.resolve(name === 'x' ? { versions: { '1.0.0': {} } } : null);
      },
    };
    const out = await fetchPublishedVersions(['bad', 'x', 'y'], source, 2);
    expect(Object.fromEntries(out.published)).toEqual({ bad: null, x: ['1.0.0'], y: [] });
    expect(out.problems.map((p) => p.code)).toEqual(['REGISTRY_BAD_RESPONSE']);
  });
});
