// Trusted publishing against registries and jobs that answer badly: an exchange endpoint that
// answers HTML with a 500, one that never answers, one that is not there (a Verdaccio or
// Artifactory without OIDC: a plain 404 for every package), a 201 without a token, and an id
// token that is not a JWT. Each gets a stable code, no stack trace, no token printed, and the
// run ends within --registry-timeout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, makeWorkspace, removeDir } from '../packages/testing/dist/index.js';
import { STACK_TRACE, check, envCodes, githubEnv } from './helpers/check-rig.js';
import type { CliResult } from './helpers/run-cli.js';

type Mode = 'html' | 'hang' | 'plain404' | 'no-token';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ID_TOKEN = `${b64({ alg: 'ES256' })}.${b64({
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'npm:127.0.0.1',
  exp: Math.floor(Date.now() / 1000) + 600,
  repository: 'acme/widgets',
  workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
  job_workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
})}.c2lnbmF0dXJlLWJ5dGVzLWhlcmU`;

const servers: Server[] = [];
const temp: string[] = [];
let home: string;

/** A registry whose packuments exist and whose exchange endpoint misbehaves as `mode` says. */
async function registry(mode: Mode): Promise<string> {
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/-/npm/v1/oidc/token/exchange/')) {
      if (mode === 'hang') return; // never answers
      if (mode === 'html') {
        res.writeHead(500, { 'content-type': 'text/html' }).end('<html><body>Internal error</body></html>');
      } else if (mode === 'plain404') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      } else res.writeHead(201, { 'content-type': 'application/json' }).end('{"token_type":"oidc"}');
      return;
    }
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ name, versions: { '0.0.1': { name, version: '0.0.1' } } }));
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function workspace(url: string, token: boolean): Promise<string> {
  const dir = await makeTempDir('oidc-bad');
  temp.push(dir);
  await makeWorkspace(dir, {
    repository: 'https://github.com/acme/widgets',
    packages: [{ name: 'oidc-bad-a' }, { name: 'oidc-bad-b' }],
  });
  const host = new URL(url).host;
  writeFileSync(
    join(dir, '.npmrc'),
    `registry=${url}\n${token ? `//${host}/:_authToken=npm_staticTokenForBadInput01\n` : ''}`,
  );
  return dir;
}

beforeAll(async () => {
  home = await makeTempDir('oidc-bad-home');
  temp.push(home);
});
afterAll(async () => {
  for (const s of servers) s.close();
  await Promise.all(temp.map((d) => removeDir(d)));
});

const pkgCodes = (r: CliResult) =>
  Object.fromEntries(
    (r.json?.packages ?? []).map((p) => [p.name, p.problems.map((x) => `${x.code}:${x.severity}`)]),
  );
function clean(r: CliResult): void {
  expect(r.stderr).not.toMatch(STACK_TRACE);
  for (const out of [r.stdout, r.stderr]) {
    expect(out).not.toContain(ID_TOKEN);
    expect(out).not.toContain('npm_staticTokenForBadInput01');
  }
}

describe.concurrent('trusted publishing, bad answers', () => {
  const job = (extra: Record<string, string> = {}) =>
    githubEnv(home, 'acme/widgets', {}, { NPM_ID_TOKEN: ID_TOKEN, ...extra });

  it('an exchange answering HTML with a 500: OIDC_EXCHANGE_FAILED per package', async () => {
    const dir = await workspace(await registry('html'), false);
    const r = await check(dir, ['--json'], job());
    expect(r.code).toBe(1);
    expect(pkgCodes(r)).toEqual({
      'oidc-bad-a': ['OIDC_EXCHANGE_FAILED:error'],
      'oidc-bad-b': ['OIDC_EXCHANGE_FAILED:error'],
    });
    clean(r);
  });

  it('an exchange that never answers: OIDC_EXCHANGE_FAILED within --registry-timeout', async () => {
    const dir = await workspace(await registry('hang'), false);
    const started = Date.now();
    const r = await check(dir, ['--json', '--registry-timeout', '2'], job());
    expect(r.code).toBe(1);
    expect(pkgCodes(r)['oidc-bad-a']).toEqual(['OIDC_EXCHANGE_FAILED:error']);
    // it ends by itself (the helper would kill it at 60 s): one exchange is tried for 2 s, the
    // others are not piled on a registry that does not answer. Loose bound: a loaded 2-core CI.
    expect(Date.now() - started).toBeLessThan(55_000);
    clean(r);
  });

  it('a registry without the exchange (plain 404 for every package): said so, never assumed from the hostname', async () => {
    const url = await registry('plain404');
    const [none, withToken] = await Promise.all([
      check(await workspace(url, false), ['--json'], job()),
      check(await workspace(url, true), ['--json'], job()),
    ]);
    expect(none.code).toBe(1);
    expect(envCodes(none)).toContain('AUTH_MISSING:error');
    expect(none.json!.environment.problems.find((p) => p.code === 'AUTH_MISSING')!.message).toContain(
      'does not implement npm trusted publishing',
    );
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(envCodes(withToken)).toContain('OIDC_NOT_SUPPORTED:warning');
    expect(withToken.json!.packages.map((p) => p.auth)).toEqual(['token', 'token']);
    clean(none);
    clean(withToken);
  });

  it('a 201 without a token, and an id token that is not a JWT', async () => {
    const url = await registry('no-token');
    const dir = await workspace(url, false);
    const [noToken, notJwt] = await Promise.all([
      check(dir, ['--json'], job()),
      check(dir, ['--json', '--auth', 'oidc'], job({ NPM_ID_TOKEN: 'not-a-jwt-but-secret-ish' })),
    ]);
    expect(pkgCodes(noToken)['oidc-bad-a']).toEqual(['OIDC_EXCHANGE_FAILED:error']);
    expect(notJwt.code).toBe(1);
    expect(envCodes(notJwt)).toContain('OIDC_ID_TOKEN_INVALID:error');
    clean(noToken);
    clean(notJwt);
  });
});
