// `provenant audit` given bad input, end to end: lockfiles and policies that do not parse, a
// registry that does not answer or answers too much, a lockfile of 10 000 entries. Each ends
// bounded in time, with a stable code and no stack trace.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKAGES,
  makeTempDir,
  removeDir,
  startFixtureRegistry,
  type FixtureRegistry,
} from '../packages/testing/dist/index.js';
import { writeNpmLock } from './helpers/audit-lockfiles.js';
import { REFUSING_REGISTRY } from './helpers/rig.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { FIXTURES, present } from './helpers/shared-fixtures.js';

describe
  .skipIf(!present)
  .concurrent('provenant audit: bad input, bounded, with a code and no stack trace', () => {
    let registry: FixtureRegistry;
    let tmp: string;
    beforeAll(async () => {
      registry = await startFixtureRegistry({
        fixturesDir: FIXTURES,
        registries: { '': { 'tuf-js@1.0.0': FIXTURE_PACKAGES['tuf-js@1.0.0'] } },
        routes: { '/big-packument': { body: Buffer.alloc(50 * 1024 * 1024, 0x20) } },
      });
      tmp = await makeTempDir('audit-bad-input');
    });
    afterAll(async () => {
      await registry?.stop();
      if (tmp) await removeDir(tmp);
    });
    let n = 0;
    const audit = (files: Record<string, string>, args: string[] = [], registryUrl = registry.url) => {
      const dir = path.join(tmp, `b${++n}`);
      writeNpmLock(dir, []);
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(dir, file), text);
      return runCli(['audit', '--offline', '--no-cache', '--registry', registryUrl, '--json', ...args], {
        cwd: dir,
        timeoutMs: 90_000,
      });
    };
    const clean = (r: CliResult) => expect(r.stderr).not.toMatch(/\n\s+at /);
    const lock = (packages: Record<string, unknown>) => JSON.stringify({ lockfileVersion: 3, packages });

    it('a lockfile that does not parse: LOCKFILE_INVALID with file and line, exit 2', async () => {
      const r = await audit({ 'package-lock.json': '{\n  "lockfileVersion": 3,\n  "packages": {,\n}\n' });
      expect(r.code).toBe(2);
      expect(r.json!.error!.code).toBe('LOCKFILE_INVALID');
      expect(r.json!.error!.message).toContain('package-lock.json');
      expect(r.json!.error!.message).toContain('line 3');
      clean(r);
    });

    it('an unknown lockfile version: LOCKFILE_INVALID, exit 2', async () => {
      const r = await audit({
        'package-lock.json': JSON.stringify({ lockfileVersion: 1, dependencies: {} }),
      });
      expect(r.code).toBe(2);
      expect(r.json!.error!.code).toBe('LOCKFILE_INVALID');
    });

    it('a policy file with a typo: POLICY_INVALID naming the key, exit 2', async () => {
      const r = await audit({
        'provenant.config.json': JSON.stringify({ audit: { requireProvenace: ['*'] } }),
      });
      expect(r.code).toBe(2);
      expect(r.json!.error).toMatchObject({ code: 'POLICY_INVALID' });
      expect(r.json!.error!.message).toContain('requireProvenace');
    });

    it('a registry that does not answer: REGISTRY_UNREACHABLE per package, exit 1, bounded', async () => {
      const started = Date.now();
      const r = await audit(
        {
          'package-lock.json': lock({
            'node_modules/tuf-js': { version: '1.0.0', integrity: 'sha512-AAAA' },
          }),
        },
        ['--registry-timeout', '2'],
        REFUSING_REGISTRY,
      );
      expect(r.code).toBe(1);
      expect(r.json!.packages[0]!.problems.map((p) => p.code)).toEqual(['REGISTRY_UNREACHABLE']);
      expect(Date.now() - started).toBeLessThan(60_000);
      clean(r);
    });

    it('a packument of 50 MB: refused unread, REGISTRY_BAD_RESPONSE', async () => {
      const r = await audit({
        'package-lock.json': lock({ 'node_modules/big-packument': { version: '1.0.0' } }),
      });
      expect(r.code).toBe(1);
      expect(r.json!.packages[0]!.problems.map((p) => p.code)).toEqual(['REGISTRY_BAD_RESPONSE']);
      clean(r);
    });

    it('10 000 entries: every one reported, one packument fetch per name', async () => {
      const packages: Record<string, unknown> = { 'node_modules/tuf-js': { version: '1.0.0' } };
      for (let i = 0; i < 10_000; i++)
        packages[`node_modules/h${i}/node_modules/tuf-js`] = { version: `0.${i}.0` };
      const started = Date.now();
      const before = registry.requests.length;
      const r = await audit({ 'package-lock.json': lock(packages) });
      const ms = Date.now() - started;
      console.log(`audit of 10 001 lockfile entries: ${ms} ms`);
      expect(r.code).toBe(1);
      expect(r.json!.summary).toMatchObject({ total: 10_001, verified: 1, unverified: 10_000 });
      expect(new Set(r.json!.packages.flatMap((p) => p.problems.map((q) => q.code)))).toEqual(
        new Set(['VERSION_NOT_FOUND']),
      );
      expect(registry.requests.slice(before).filter((q) => q === 'GET /tuf-js')).toHaveLength(1);
      clean(r);
    });
  });

describe.concurrent(
  'provenant audit on the example monorepos (no registry needed: workspaces only, --omit dev)',
  () => {
    it.each([
      ['npm-workspaces', 4],
      ['pnpm', 0],
      ['yarn-berry', 4],
      ['changesets-pnpm', 0],
    ])('examples/%s: exit 0, %i workspace packages skipped', async (example, skipped) => {
      const r = await runCli(
        ['audit', '--cwd', `examples/${example}`, '--omit', 'dev', '--offline', '--no-cache', '--json'],
        { env: { npm_config_registry: REFUSING_REGISTRY }, timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.json!.summary).toMatchObject({ total: skipped, skipped });
      for (const p of r.json!.packages) expect(p.problems.map((q) => q.code)).toEqual(['DEPENDENCY_SKIPPED']);
    });
  },
);
