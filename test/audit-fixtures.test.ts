// `provenant audit` end to end over the real npm attestation fixtures of
// ../shared/fixtures/attestations, served by @provenant/testing's fixture registry:
// lockfiles of each format naming those real packages, the built CLI in its own
// process with --offline trust (the public-good root and npm keys embedded in @sigstore/tuf).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKAGES,
  makeTempDir,
  removeDir,
  startFixtureRegistry,
  type FixtureRegistry,
  type FixtureTable,
} from '../packages/testing/dist/index.js';
import {
  lockedFromRegistry,
  writeNpmLock,
  writePnpmLock,
  writeYarnLock,
  type LockedVersion,
} from './helpers/audit-lockfiles.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import {
  FIXTURES,
  IDENTITY,
  SIGNED,
  SPECS,
  bogusSignatures,
  present,
  type Spec,
} from './helpers/shared-fixtures.js';

describe.skipIf(!present).concurrent('provenant audit over the real attestation fixtures', () => {
  let registry: FixtureRegistry;
  let tmp: string;
  let locked: LockedVersion[];
  let n = 0;

  beforeAll(async () => {
    const withRepos: FixtureTable = {};
    for (const spec of SPECS) {
      withRepos[spec] = {
        ...FIXTURE_PACKAGES[spec],
        repository: `git+${IDENTITY[spec].repository}.git`,
      };
    }
    registry = await startFixtureRegistry({
      fixturesDir: FIXTURES,
      registries: {
        '': withRepos,
        badsig: {
          'sigstore@1.0.0': { ...FIXTURE_PACKAGES['sigstore@1.0.0'], signatures: bogusSignatures() },
        },
        tampered: {
          'tuf-js@1.0.0': FIXTURE_PACKAGES['tuf-js@1.0.0'],
          'gundam-visor@1.0.1': {
            ...FIXTURE_PACKAGES['gundam-visor@1.0.1'],
            attestations: 'slsa-verifier/cli-npm-gha/gundam-visor-cli-v1-tag-invalidsigprov.tgz.json',
          },
        },
        scoped: { '@playwright/cli@0.1.1': FIXTURE_PACKAGES['@playwright/cli@0.1.1'] },
        cache: { 'tuf-js@1.0.0': FIXTURE_PACKAGES['tuf-js@1.0.0'] },
        nosuch: {},
      },
      routes: { '/big-packument': { body: Buffer.alloc(50 * 1024 * 1024, 0x20) } },
    });
    tmp = await makeTempDir('audit-fixtures');
    locked = await Promise.all(SPECS.map((spec) => lockedFromRegistry(registry.url, spec)));
  });
  afterAll(async () => {
    await registry?.stop();
    if (tmp) await removeDir(tmp);
  });

  const project = () => path.join(tmp, `p${++n}`);
  const audit = (
    dir: string,
    args: string[] = [],
    registryUrl = registry.url,
    env: Record<string, string> = {},
  ) =>
    runCli(['audit', '--offline', '--registry', registryUrl, '--json', '--no-cache', ...args], {
      cwd: dir,
      env: { XDG_CACHE_HOME: path.join(tmp, 'cache-unused'), ...env },
      timeoutMs: 90_000,
    });
  const verdicts = (r: CliResult) =>
    Object.fromEntries(
      r.json!.packages.map((p) => [
        `${p.name}@${p.version}`,
        [
          p.status,
          ...p.problems.filter((q) => q.severity !== 'info').map((q) => `${q.code}:${q.severity}`),
        ].join(' '),
      ]),
    );
  const pick = (...specs: Spec[]) => locked.filter((l) => specs.includes(`${l.name}@${l.version}` as Spec));

  it('npm lockfile of every fixture package: the README verdicts, npm audit signatures counts, skipped local and git deps', async () => {
    const dir = project();
    writeNpmLock(dir, locked, {
      'node_modules/local-lib': { resolved: 'file:../local-lib', link: true },
      'node_modules/git-dep': {
        version: '1.0.0',
        resolved: 'git+https://github.com/acme/git-dep.git#0123abc',
      },
    });
    const r = await audit(dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.json!.command).toBe('audit');
    const expected: Record<string, string> = {};
    for (const spec of SPECS) {
      expected[spec] = SIGNED.includes(spec) ? 'verified' : 'unverified REGISTRY_SIGNATURE_MISSING:error';
    }
    expected['git-dep@git+https://github.com/acme/git-dep.git#0123abc'] = 'skipped';
    expected['local-lib@file:../local-lib'] = 'skipped';
    expect(verdicts(r)).toEqual(expected);
    for (const p of r.json!.packages.filter((x) => x.status !== 'skipped')) {
      expect(p.dir).toBeNull();
      expect(p.verification).toMatchObject({ provenance: 'verified', publishAttestation: 'verified' });
      expect(p.verification!.identity!.repository).toBe(
        IDENTITY[`${p.name}@${p.version}` as Spec].repository,
      );
    }
    expect(r.json!.packages.filter((p) => p.status === 'skipped').map((p) => p.problems[0]!.code)).toEqual([
      'DEPENDENCY_SKIPPED',
      'DEPENDENCY_SKIPPED',
    ]);
    expect(r.json!.summary).toMatchObject({ total: 11, verified: 2, unverified: 7, skipped: 2 });
    expect(r.stderr).toContain('audited 9 packages');
    expect(r.stderr).toContain('2 packages have verified registry signatures');
    expect(r.stderr).toContain('9 packages have verified attestations');
    expect(r.stderr).toContain(
      '7 packages have missing registry signatures but the registry is providing signing keys:',
    );
  });

  it('past 64 entries, verification runs on worker threads: the same verdicts', async () => {
    const dir = project();
    const padding: Record<string, unknown> = {};
    for (let i = 0; i < 64; i++)
      padding[`node_modules/pad-${i}/node_modules/tuf-js`] = { version: `0.${i}.0` };
    writeNpmLock(dir, locked, padding);
    const r = await audit(dir);
    expect(r.code, r.stderr).toBe(1);
    const all = verdicts(r);
    for (const spec of SPECS) {
      expect(all[spec], spec).toBe(
        SIGNED.includes(spec) ? 'verified' : 'unverified REGISTRY_SIGNATURE_MISSING:error',
      );
    }
    expect(r.json!.summary).toMatchObject({ total: SPECS.length + 64, verified: 2, unverified: 7 + 64 });
  });

  it.each([
    ['pnpm-lock.yaml v9', writePnpmLock],
    ['yarn berry yarn.lock', writeYarnLock],
  ])('%s: the same verdicts', async (_format, write) => {
    const dir = project();
    write(dir, locked);
    const r = await audit(dir);
    expect(r.code, r.stderr).toBe(1);
    const expected = Object.fromEntries(
      SPECS.map((s) => [s, SIGNED.includes(s) ? 'verified' : 'unverified REGISTRY_SIGNATURE_MISSING:error']),
    );
    expect(verdicts(r)).toEqual(expected);
  });

  it('exit 0 when every version verifies; --omit dev and --filter narrow the set', async () => {
    const dir = project();
    writeNpmLock(dir, [...pick(...SIGNED), { ...pick('gundam-visor@1.0.1')[0]!, dev: true }]);
    const r = await audit(dir, ['--omit', 'dev']);
    expect(r.code, r.stderr).toBe(0);
    expect(Object.keys(verdicts(r))).toEqual(['sigstore@1.0.0', 'tuf-js@1.0.0']);
    const prod = await audit(dir, ['--prod', '--filter', 'tuf-*']);
    expect(prod.code).toBe(0);
    expect(Object.keys(verdicts(prod))).toEqual(['tuf-js@1.0.0']);
  });

  it('policy: a pin that matches passes, one that does not is IDENTITY_MISMATCH; requireProvenance and allowMissing', async () => {
    const dir = project();
    writeNpmLock(dir, pick(...SIGNED));
    writeFileSync(
      path.join(dir, 'provenant.config.json'),
      JSON.stringify({
        audit: {
          expect: {
            sigstore: {
              repository: 'https://github.com/sigstore/sigstore-js',
              workflow: '.github/workflows/publish.yml',
            },
          },
        },
      }),
    );
    expect((await audit(dir)).code).toBe(0);
    writeFileSync(
      path.join(dir, 'provenant.config.json'),
      JSON.stringify({
        audit: { expect: { 'tuf-*': { repository: 'https://github.com/sigstore/sigstore-js' } } },
      }),
    );
    const r = await audit(dir);
    expect(r.code).toBe(1);
    expect(verdicts(r)).toEqual({
      'sigstore@1.0.0': 'verified',
      'tuf-js@1.0.0': 'unverified IDENTITY_MISMATCH:error',
    });
  });

  it('the lockfile integrity differs from the registry: LOCKFILE_INTEGRITY_MISMATCH', async () => {
    const dir = project();
    const [sig, tuf] = pick(...SIGNED);
    writeNpmLock(dir, [sig!, { ...tuf!, integrity: sig!.integrity }]);
    const r = await audit(dir);
    expect(r.code).toBe(1);
    expect(verdicts(r)['tuf-js@1.0.0']).toBe('unverified LOCKFILE_INTEGRITY_MISMATCH:error');
  });

  it('a tampered registry signature and a tampered attestation: invalid, in npm audit signatures words', async () => {
    const dir = project();
    writeNpmLock(dir, pick('sigstore@1.0.0'));
    const bad = await audit(dir, [], registry.urlOf('badsig'));
    expect(bad.code).toBe(1);
    expect(verdicts(bad)['sigstore@1.0.0']).toBe('unverified REGISTRY_SIGNATURE_INVALID:error');
    expect(bad.stderr).toContain('1 package has an invalid registry signature:');

    const dir2 = project();
    writeNpmLock(dir2, pick('gundam-visor@1.0.1', 'tuf-js@1.0.0'));
    const tampered = await audit(dir2, [], registry.urlOf('tampered'));
    expect(tampered.code).toBe(1);
    expect(verdicts(tampered)['gundam-visor@1.0.1']).toContain('SIGNATURE_INVALID:error');
    expect(tampered.json!.packages.find((p) => p.name === 'gundam-visor')!.verification!.provenance).toBe(
      'invalid',
    );
    expect(tampered.stderr).toContain('1 package has an invalid attestation:');
  });

  it('a scoped package comes from its scope registry (.npmrc @scope:registry)', async () => {
    const dir = project();
    writeNpmLock(dir, pick('@playwright/cli@0.1.1'));
    writeFileSync(path.join(dir, '.npmrc'), `@playwright:registry=${registry.urlOf('scoped')}\n`);
    const r = await audit(dir, [], registry.urlOf('nosuch'));
    expect(r.json!.packages[0]!.verification).toMatchObject({
      provenance: 'verified',
      publishAttestation: 'verified',
    });
    expect(registry.requests).toContain('GET /scoped/@playwright%2fcli');
  });

  it('--report equals the JSON on stdout, --summary writes Markdown; a bad --omit is exit 2', async () => {
    const dir = project();
    writeNpmLock(dir, pick('tuf-js@1.0.0', 'gundam-visor@1.0.1'));
    const report = path.join(dir, 'out/report.json');
    const summary = path.join(dir, 'summary.md');
    const r = await audit(dir, ['--report', report, '--summary', summary]);
    expect(r.code).toBe(1);
    expect(readFileSync(report, 'utf8')).toBe(r.stdout);
    const md = readFileSync(summary, 'utf8');
    expect(md).toContain('## Provenant audit');
    expect(md).toContain('REGISTRY_SIGNATURE_MISSING');
    const bad = await audit(dir, ['--omit', 'optional']);
    expect(bad.code).toBe(2);
    expect(bad.json!.error!.code).toBe('INVALID_FLAG_VALUE');
  });

  it('the cache: a second run reads no packument; --no-cache verifies again', async () => {
    const dir = project();
    writeNpmLock(dir, pick(...SIGNED));
    const env = { XDG_CACHE_HOME: path.join(tmp, 'cache') };
    const run = (args: string[]) =>
      runCli(['audit', '--offline', '--registry', registry.urlOf('cache'), '--json', ...args], {
        cwd: dir,
        env,
        timeoutMs: 60_000,
      });
    const fetches = () => registry.requests.filter((q) => q === 'GET /cache/tuf-js').length;
    const cold = await run([]);
    expect(cold.code, cold.stderr).toBe(1); // sigstore@1.0.0 is not in that registry
    const before = fetches();
    const warm = await run([]);
    expect(verdicts(warm)).toEqual(verdicts(cold));
    expect(fetches()).toBe(before);
    await run(['--no-cache']);
    expect(fetches()).toBe(before + 1);
  });
});
