// Bad input to `provenant release`: flags, registry URLs, registries that answer badly or
// drip slowly, a missing publisher, a 50 MB attestations document. Each case: the expected
// code and exit status, bounded in time, no stack trace without --debug, no file changed,
// the token never printed. (check's and verify's corpora: test/bad-input-check.test.ts,
// test/verify-bad-input.test.ts.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../../packages/testing/dist/index.js';
import type { CliResult } from '../helpers/run-cli.js';
import {
  fixture,
  gitStatus,
  release,
  type Rig,
  secretLeaks,
  snapshot,
  STACK_TRACE,
  startRig,
  stopRig,
} from '../helpers/rig.js';

let rig: Rig;
let dir: string;
const servers: Server[] = [];
const proxies: FaultProxy[] = [];
beforeAll(async () => {
  rig = await startRig();
  dir = await fixture(rig, {
    packages: [{ name: '@bad-rel/a' }, { name: '@bad-rel/b', dependencies: { '@bad-rel/a': '^1.0.0' } }],
  });
});
afterAll(async () => {
  for (const s of servers) s.closeAllConnections();
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  await Promise.all(proxies.map((p) => p.stop()));
  await stopRig(rig);
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Runs release in `dir`, timed; asserts the invariants every case shares. */
async function attempt(args: string[], maxMs: number, env: Record<string, string> = {}): Promise<CliResult> {
  const before = snapshot(dir);
  const started = Date.now();
  const result = await release(rig, dir, args, env);
  const elapsed = Date.now() - started;
  expect(elapsed, `${args.join(' ')} took ${elapsed} ms`).toBeLessThan(maxMs);
  expect(result.stderr).not.toMatch(STACK_TRACE);
  expect(result.stdout).not.toMatch(STACK_TRACE);
  expect(snapshot(dir)).toEqual(before);
  expect(gitStatus(dir)).toBe('');
  expect(secretLeaks(rig.registry.token, { stdout: result.stdout, stderr: result.stderr })).toEqual([]);
  return result;
}

const errorCode = (r: CliResult) => r.json?.error?.code ?? null;
const envCodes = (r: CliResult) => (r.json?.environment.problems ?? []).map((p) => p.code);

describe('release: bad flags are usage errors (exit 2), before anything happens', () => {
  it.each([
    [['--frobnicate'], 'UNKNOWN_FLAG'],
    [['--concurrency', '0'], 'INVALID_FLAG_VALUE'],
    [['--concurrency', '-1'], 'INVALID_FLAG_VALUE'],
    [['--concurrency', 'abc'], 'INVALID_FLAG_VALUE'],
    [['--concurrency', '1e3'], 'INVALID_FLAG_VALUE'],
    [['--retries', 'many'], 'INVALID_FLAG_VALUE'],
    [['--verify-timeout', '-5'], 'INVALID_FLAG_VALUE'],
    [['--tag'], 'INVALID_FLAG_VALUE'],
    [['extra-positional'], 'USAGE'],
    [['--registry', 'not a url'], 'INVALID_REGISTRY_URL'],
    [['--registry', 'ftp://registry.example/'], 'INVALID_REGISTRY_URL'],
    [['--registry', 'http://'], 'INVALID_REGISTRY_URL'],
    [['--registry-timeout', '0'], 'INVALID_FLAG_VALUE'],
    [['--no-verify', '--expect-repository', 'acme/widgets'], 'CONFLICTING_FLAGS'],
    [['--no-verify', '--tarball'], 'CONFLICTING_FLAGS'],
  ])('%j → %s', async (args, code) => {
    const r = await attempt(args, 15_000);
    expect([args.join(' '), r.code, errorCode(r)]).toEqual([args.join(' '), 2, code]);
  });
});

describe('release: registries that fail', () => {
  it('a registry URL with credentials that cannot be reached: REGISTRY_UNREACHABLE, exit 1, credentials not printed', async () => {
    const port = await serve(() => {}).then((u) => new URL(u).port);
    servers.pop()?.close();
    const url = `http://leaky-user:hunter2-${rig.registry.token.slice(0, 8)}@127.0.0.1:${port}/`;
    const r = await attempt(['--registry', url], 60_000);
    expect(r.code).toBe(1);
    expect(envCodes(r)).toContain('REGISTRY_UNREACHABLE');
    expect(r.stdout + r.stderr).not.toContain('hunter2');
  });

  it('a registry answering HTML: REGISTRY_BAD_RESPONSE, exit 1', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>Login</title><form>SSO</form>');
    });
    const r = await attempt(['--registry', url], 60_000);
    expect(r.code).toBe(1);
    expect(envCodes(r)).toContain('REGISTRY_BAD_RESPONSE');
  });

  it('a registry answering an empty body: REGISTRY_BAD_RESPONSE, exit 1', async () => {
    const url = await serve((_req, res) => res.end());
    const r = await attempt(['--registry', url], 60_000);
    expect(r.code).toBe(1);
    expect(envCodes(r)).toContain('REGISTRY_BAD_RESPONSE');
  });

  it('a slow-loris registry (headers, then one byte every 2 s): REGISTRY_UNREACHABLE, exit 1, bounded by --registry-timeout', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      const drip = setInterval(() => res.write(' '), 2000);
      res.on('close', () => clearInterval(drip));
    });
    const started = Date.now();
    const r = await attempt(['--registry', url, '--registry-timeout', '3'], 60_000);
    expect(r.code).toBe(1);
    expect(envCodes(r)).toContain('REGISTRY_UNREACHABLE');
    // 2 tries of 3 s (check's reads) plus backoff; never the 2 minutes a drip could last
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it('a publisher missing from PATH: PUBLISHER_NOT_FOUND, exit 1, nothing published', async () => {
    const r = await attempt(['--publisher', 'pnpm'], 30_000, { PATH: '/usr/bin:/bin' });
    expect(r.code).toBe(1);
    expect(envCodes(r)).toContain('PUBLISHER_NOT_FOUND');
  });
});

describe('release: a 50 MB attestations document', () => {
  it('is refused cleanly while verifying: the package ends unverified, exit 1, bounded', async () => {
    const big = Buffer.alloc(50 * 1024 * 1024, 0x20);
    big.write('{"attestations":[');
    const proxy = await startFaultProxy({
      target: rig.registry.url,
      seed: 0,
      rate: 0,
      intercept: (req, res) => {
        if (!req.url?.startsWith('/-/npm/v1/attestations/')) return false;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(big.length) });
        res.end(big);
        return true;
      },
    });
    proxies.push(proxy);
    const big50 = await fixture(rig, { packages: [{ name: '@bad-rel-big/a' }] }, { registryUrl: proxy.url });
    const saved = dir;
    dir = big50;
    try {
      const r = await attempt(['--verify-timeout', '5'], 120_000);
      expect(r.code).toBe(1);
      const pkg = r.json?.packages[0];
      expect(pkg?.status).toBe('unverified');
      expect(pkg?.problems.some((p) => p.severity === 'error')).toBe(true);
      console.log(`[bad-input] 50 MB attestations → ${pkg?.problems.map((p) => p.code).join(', ')}`);
    } finally {
      dir = saved;
    }
  });
});
