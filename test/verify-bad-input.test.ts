// `provenant verify` with bad input, through the built CLI: malformed specs, unknown
// flags, unusable trust material, unreachable or misbehaving registries, oversized
// documents. Each ends cleanly (exit 1 or 2, a code, one line), bounded in time, and
// without a stack trace unless --debug.
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKAGES,
  makeTempDir,
  removeDir,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../packages/testing/dist/index.js';
import { REFUSING_REGISTRY } from './helpers/rig.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { FIXTURES, present } from './helpers/shared-fixtures.js';

const STACK = /\n\s+at /;
const PLAYWRIGHT = '@playwright/cli@0.1.1';
const HTML = { body: '<!doctype html><title>Sign in</title><h1>Proxy login</h1>', contentType: 'text/html' };

describe.skipIf(!present).concurrent('provenant verify: bad input', () => {
  let registry: FixtureRegistry;
  let tmp: string;
  beforeAll(async () => {
    // 50 MB of valid JSON: the real, valid document padded out (it would verify if read).
    const real = await readFile(path.join(FIXTURES, FIXTURE_PACKAGES[PLAYWRIGHT].attestations));
    const huge = Buffer.concat([
      Buffer.from('{"pad":"'),
      Buffer.alloc(50 * 1024 * 1024, 'a'),
      Buffer.from('",'),
      real.subarray(real.indexOf('{') + 1),
    ]);
    registry = await startFixtureRegistry({
      fixturesDir: FIXTURES,
      registries: {
        '': {
          'tuf-js@1.0.0': FIXTURE_PACKAGES['tuf-js@1.0.0'],
          'sigstore@1.0.0': FIXTURE_PACKAGES['sigstore@1.0.0'],
        },
        huge: {
          [PLAYWRIGHT]: { ...FIXTURE_PACKAGES[PLAYWRIGHT], attestations: { body: huge } },
        },
        html: {},
        garbage: {},
        broken: {},
      },
      routes: {
        '/html/tuf-js': HTML,
        '/garbage/tuf-js': {
          body: Buffer.from([0, 1, 2, 0xff, 0xfe, 0x7b]),
          contentType: 'application/json',
        },
        '/broken/tuf-js': { status: 500, body: 'upstream exploded' },
      },
    });
    tmp = await makeTempDir('verify-bad-input');
  });
  afterAll(async () => {
    await registry?.stop();
    if (tmp) await removeDir(tmp);
  });

  const verify = (args: string[], registryUrl = registry.url) =>
    runCli(['verify', ...args, '--offline', '--registry', registryUrl, '--json'], { timeoutMs: 60_000 });
  const timed = async (run: () => Promise<CliResult>) => {
    const started = Date.now();
    const result = await run();
    return { ...result, ms: Date.now() - started };
  };
  const errorCodes = (r: CliResult) =>
    r.json!.packages.flatMap((p) => p.problems.filter((x) => x.severity === 'error').map((x) => x.code));

  it.each(['not a spec!', 'tuf-js@^1.0.0', '@scope', 'tuf-js@', '../etc/passwd@1.0.0'])(
    'malformed spec %j: INVALID_SPEC, exit 2',
    async (spec) => {
      const r = await verify([spec]);
      expect(r.code, r.stdout + r.stderr).toBe(2);
      expect(r.json?.error?.code).toBe('INVALID_SPEC');
      expect(r.stderr).not.toMatch(STACK);
    },
  );

  it('a malformed spec among good ones fails the run before any request', async () => {
    const before = registry.requests.length;
    const r = await verify(['sigstore@1.0.0', 'bad spec']);
    expect(r.code).toBe(2);
    expect(r.json?.error?.code).toBe('INVALID_SPEC');
    // (only this test asks for sigstore)
    expect(registry.requests.slice(before).filter((q) => q.includes('sigstore'))).toEqual([]);
  });

  it('a version that does not exist: VERSION_NOT_FOUND, exit 1', async () => {
    const r = await verify(['tuf-js@1.0.1', 'nope-not-here@1.0.0']);
    expect(r.code).toBe(1);
    expect(errorCodes(r)).toEqual(['VERSION_NOT_FOUND', 'VERSION_NOT_FOUND']);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('an unreachable registry: REGISTRY_UNREACHABLE, exit 1, bounded', async () => {
    const r = await timed(() => verify(['tuf-js@1.0.0'], REFUSING_REGISTRY));
    expect(r.code, r.stdout).toBe(1);
    expect(errorCodes(r)).toEqual(['REGISTRY_UNREACHABLE']);
    expect(r.stderr).not.toMatch(STACK);
    expect(r.ms).toBeLessThan(45_000); // a few seconds idle; the bound catches a hang (30 s timeout × 4 attempts)
  });

  it('a registry that accepts connections and never answers: REGISTRY_UNREACHABLE after --registry-timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as { port: number };
      const r = await timed(() =>
        verify(['tuf-js@1.0.0', '--registry-timeout', '1'], `http://127.0.0.1:${port}/`),
      );
      expect(r.code, r.stdout).toBe(1);
      expect(errorCodes(r)).toEqual(['REGISTRY_UNREACHABLE']);
      expect(r.stderr).not.toMatch(STACK);
      expect(r.ms).toBeLessThan(30_000); // 4 tries of 1 s plus backoff; the default 30 s timeout would take minutes
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it.each([
    ['HTML', 'html'],
    ['binary garbage', 'garbage'],
    ['a persistent HTTP 500', 'broken'],
  ])('a packument that is %s: REGISTRY_BAD_RESPONSE, exit 1, bounded', async (_what, prefix) => {
    const r = await timed(() => verify(['tuf-js@1.0.0'], registry.urlOf(prefix)));
    expect(r.code, r.stdout).toBe(1);
    expect(errorCodes(r)).toEqual(['REGISTRY_BAD_RESPONSE']);
    expect(r.json!.packages[0]!.problems[0]!.message).not.toContain('\n');
    expect(r.stderr).not.toMatch(STACK);
    expect(r.ms).toBeLessThan(45_000); // a few seconds idle; the bound catches a hang (30 s timeout × 4 attempts)
  });

  it('a 50 MB attestations document is refused cleanly, bounded', async () => {
    const r = await timed(() => verify([PLAYWRIGHT], registry.urlOf('huge')));
    expect(r.code, r.stdout.slice(0, 2000)).toBe(1);
    const [pkg] = r.json!.packages;
    expect(pkg!.status).toBe('unverified');
    expect(errorCodes(r)).toHaveLength(1);
    expect(['ATTESTATIONS_INVALID', 'REGISTRY_BAD_RESPONSE']).toContain(errorCodes(r)[0]);
    expect(pkg!.problems[0]!.message).toMatch(/limit|too large|bytes/i);
    expect(r.stdout.length).toBeLessThan(20_000); // the document is not echoed
    expect(r.stderr).not.toMatch(STACK);
    expect(r.ms).toBeLessThan(45_000); // ~1.5 s on an idle machine; CI boxes are shared
  });

  it('an unknown flag: exit 2, no stack', async () => {
    const r = await verify(['tuf-js@1.0.0', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.json?.error?.code).toBeTruthy();
    expect(r.stderr).toMatch(/frobnicate/);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--trusted-root pointing at a missing file: TRUST_MATERIAL_INVALID, exit 2', async () => {
    const r = await verify(['tuf-js@1.0.0', '--trusted-root', path.join(tmp, 'nope.json')]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json?.error?.code).toBe('TRUST_MATERIAL_INVALID');
    expect(r.stderr).not.toMatch(STACK);
  });

  it.each([
    ['not JSON', 'this is { not json'],
    ['JSON but no trusted root', '{"hello":"world"}'],
  ])('--trusted-root that is %s: TRUST_MATERIAL_INVALID, exit 2', async (_what, text) => {
    const file = path.join(tmp, `root-${text.length}.json`);
    await writeFile(file, text);
    const r = await verify(['tuf-js@1.0.0', '--trusted-root', file]);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.json?.error?.code).toBe('TRUST_MATERIAL_INVALID');
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--npm-keys that is not JSON: TRUST_MATERIAL_INVALID, exit 2', async () => {
    const file = path.join(tmp, 'keys.json');
    await writeFile(file, '<html>');
    const r = await verify(['tuf-js@1.0.0', '--npm-keys', file]);
    expect(r.code).toBe(2);
    expect(r.json?.error?.code).toBe('TRUST_MATERIAL_INVALID');
  });

  it('--debug shows the stack of a run-level error', async () => {
    const r = await verify(['tuf-js@1.0.0', '--trusted-root', path.join(tmp, 'nope.json'), '--debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(STACK);
  });
});
