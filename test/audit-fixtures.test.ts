// `provenant audit` end to end over the real npm attestation fixtures of
// ../shared/fixtures/attestations, served by @provenant/testing's fixture registry:
// lockfiles of each format naming those real packages, the built CLI in its own
// process with --offline trust (the public-good root and npm keys embedded in @sigstore/tuf).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
import { SHARED, runCli, type CliResult } from './helpers/run-cli.js';

const FIXTURES = path.join(SHARED, 'fixtures/attestations');
const present = existsSync(path.join(FIXTURES, 'README.md'));

type Spec = keyof typeof FIXTURE_PACKAGES;
const SPECS = Object.keys(FIXTURE_PACKAGES) as Spec[];
/** The two fixture versions whose registry signature is in registry/registry-signatures.json. */
const SIGNED: Spec[] = ['sigstore@1.0.0', 'tuf-js@1.0.0'];
const REPOSITORY: Record<string, string> = {
  'gundam-visor': 'ramonpetgrave64/gundam-visor',
  '@laurentsimon/provenance-npm-test': 'laurentsimon/provenance-npm-test',
  sigstore: 'sigstore/sigstore-js',
  '@trishankatdatadog/supreme-goggles': 'trishankatdatadog/supreme-goggles',
  'tuf-js': 'theupdateframework/tuf-js',
  '@playwright/cli': 'microsoft/playwright-cli',
};
const nameOf = (spec: string) => spec.slice(0, spec.lastIndexOf('@'));

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
        repository: `git+https://github.com/${REPOSITORY[nameOf(spec)]}.git`,
      };
    }
    const signatures = JSON.parse(
      readFileSync(path.join(FIXTURES, 'registry/registry-signatures.json'), 'utf8'),
    ) as {
      cases: { expect: string; dist: { signatures: { keyid: string; sig: string }[] } }[];
    };
    const bogus = signatures.cases.find(
      (c) => c.expect !== 'valid' && c.dist.signatures[0]!.keyid.startsWith('SHA256:jl3b'),
    )!;
    registry = await startFixtureRegistry({
      fixturesDir: FIXTURES,
      registries: {
        '': withRepos,
        badsig: {
          'sigstore@1.0.0': { ...FIXTURE_PACKAGES['sigstore@1.0.0'], signatures: bogus.dist.signatures },
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
      expect(p.verification!.identity!.repository).toBe(`https://github.com/${REPOSITORY[p.name]}`);
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
        'http://127.0.0.1:9/',
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
        { env: { npm_config_registry: 'http://127.0.0.1:9/' }, timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.json!.summary).toMatchObject({ total: skipped, skipped });
      for (const p of r.json!.packages) expect(p.problems.map((q) => q.code)).toEqual(['DEPENDENCY_SKIPPED']);
    });
  },
);
