// `provenant verify` end to end over the real npm attestation fixtures of
// ../shared/fixtures/attestations (see its README), served by a small local registry
// (@provenant/testing's fixture registry, which reads the fixtures at run time).
// Every run is the built CLI in its own process with --offline (or given trust).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
import { runCli, type CliResult } from './helpers/run-cli.js';
import { FIXTURES, IDENTITY, SIGNED, SPECS, present, type Spec } from './helpers/shared-fixtures.js';

const WITH_TARBALL = SPECS.filter((s) => 'tarball' in FIXTURE_PACKAGES[s]);

/** The transparency-log index of a document's provenance entry, read from the fixture itself. */
function provLogIndex(file: string): number {
  const doc = JSON.parse(readFileSync(path.join(FIXTURES, file), 'utf8')) as {
    attestations: {
      predicateType: string;
      bundle: { verificationMaterial: { tlogEntries: { logIndex: string }[] } };
    }[];
  };
  const prov = doc.attestations.find((a) => a.predicateType.startsWith('https://slsa.dev/'))!;
  return Number(prov.bundle.verificationMaterial.tlogEntries[0]!.logIndex);
}

const GHA = 'slsa-verifier/cli-npm-gha/';
const T = 'slsa-verifier/gha-testdata/';
interface Tampered {
  file: string;
  spec: Spec;
  /** Which attestation is broken. */
  broken: 'prov' | 'pub';
  code: string;
  /** Sigstore's own error code, carried in the message. */
  sigstore?: string;
}
const t = (file: string, spec: Spec, broken: 'prov' | 'pub', code: string, sigstore?: string): Tampered => ({
  file,
  spec,
  broken,
  code,
  sigstore,
});
const GUNDAM: Spec = 'gundam-visor@1.0.1';
const PREGA02: Spec = '@laurentsimon/provenance-npm-test@1.0.3';
const PREGA1: Spec = 'sigstore@2.3.1';
const OSSF: Spec = '@laurentsimon/provenance-npm-test@1.0.5';
const GOGGLES: Spec = '@trishankatdatadog/supreme-goggles@1.0.5';
const GHA100: Spec = '@laurentsimon/provenance-npm-test@1.0.0';
const SIG = 'SIGNATURE_INVALID';
const TAMPERED: Tampered[] = [
  t(`${GHA}gundam-visor-cli-v1-tag-invalidsigprov.tgz.json`, GUNDAM, 'prov', SIG, 'TLOG_BODY_ERROR'),
  t(`${GHA}gundam-visor-cli-v1-tag-invalidsigpub.tgz.json`, GUNDAM, 'pub', SIG, 'TLOG_BODY_ERROR'),
  t(`${GHA}provenance-npm-test-cli-v02-prega-invalidsigprov.tgz.json`, PREGA02, 'prov', SIG),
  t(`${GHA}provenance-npm-test-cli-v02-prega-invalidsigpub.tgz.json`, PREGA02, 'pub', SIG),
  t(`${GHA}provenance-npm-test-cli-v1-prega-invalidsigprov.tgz.json`, PREGA1, 'prov', SIG, 'TLOG_BODY_ERROR'),
  t(`${GHA}provenance-npm-test-cli-v1-prega-invalidsigpub.tgz.json`, PREGA1, 'pub', SIG, 'TLOG_BODY_ERROR'),
  t(`${GHA}provenance-npm-test-ossf-invalidsigprov.tgz.json`, OSSF, 'prov', SIG),
  t(`${GHA}provenance-npm-test-ossf-invalidsigpub.tgz.json`, OSSF, 'pub', SIG),
  t(`${GHA}supreme-googles-cli-v02-tag-invalidsigprov.tgz.json`, GOGGLES, 'prov', SIG),
  t(`${GHA}supreme-googles-cli-v02-tag-invalidsigpub.tgz.json`, GOGGLES, 'pub', SIG),
  t(`${T}npm-att-mismatch-prov-payloadtype.json`, GHA100, 'prov', SIG, 'SIGNATURE_ERROR'),
  // byte-identical to the prov one upstream: it tampers the provenance entry too
  t(`${T}npm-att-mismatch-pub-payloadtype.json`, GHA100, 'prov', SIG, 'SIGNATURE_ERROR'),
  t(`${T}npm-att-mismatch-prov-predicatetype.json`, GHA100, 'prov', 'PREDICATE_TYPE_MISMATCH'),
  t(`${T}npm-att-mismatch-pub-predicatetype.json`, GHA100, 'pub', 'PREDICATE_TYPE_MISMATCH'),
  t(`${T}npm-att-prov-invalid-signature.json`, GHA100, 'prov', SIG, 'TLOG_BODY_ERROR'),
  t(`${T}npm-att-publish-invalid-signature.json`, GHA100, 'pub', SIG),
  t(`${T}npm-att-publish-nodigest.json`, GHA100, 'pub', SIG),
  t(`${T}npm-att-publish-nosubjects.json`, GHA100, 'pub', SIG),
  t(`${T}npm-stmt-mismatch-prov-predicatetype.json`, GHA100, 'prov', SIG),
  t(`${T}npm-stmt-mismatch-prov-type.json`, GHA100, 'prov', SIG),
  t(`${T}npm-stmt-mismatch-pub-predicatetype.json`, GHA100, 'pub', SIG),
  t(`${T}npm-stmt-mismatch-pub-type.json`, GHA100, 'pub', SIG),
];

const PLAYWRIGHT: Spec = '@playwright/cli@0.1.1';
const sriOf = (rel: string) =>
  `sha512-${createHash('sha512')
    .update(readFileSync(path.join(FIXTURES, rel)))
    .digest('base64')}`;

/** Playwright's real attestations and integrity, another package's tarball bytes. */
function swappedTarball(): FixtureTable {
  return {
    [PLAYWRIGHT]: {
      ...FIXTURE_PACKAGES[PLAYWRIGHT],
      integrity: sriOf(FIXTURE_PACKAGES['@playwright/cli@0.1.1'].tarball),
      tarball: FIXTURE_PACKAGES['gundam-visor@1.0.1'].tarball,
    },
  };
}

describe.skipIf(!present).concurrent('provenant verify over the real attestation fixtures', () => {
  let registry: FixtureRegistry;
  let tmp: string;
  const caseKey = (i: number) => `case-${i}`;

  beforeAll(async () => {
    const registries: Record<string, FixtureTable> = { '': withRepositories(), tgz: swappedTarball() };
    TAMPERED.forEach((c, i) => {
      registries[caseKey(i)] = { [c.spec]: { ...FIXTURE_PACKAGES[c.spec], attestations: c.file } };
    });
    registry = await startFixtureRegistry({ fixturesDir: FIXTURES, registries });
    tmp = await makeTempDir('verify-e2e');
  });
  afterAll(async () => {
    await registry?.stop();
    if (tmp) await removeDir(tmp);
  });

  /** Manifests carry repository.url, the default expectation when no --expect-repository is given. */
  function withRepositories(): FixtureTable {
    const table: FixtureTable = {};
    for (const spec of SPECS)
      table[spec] = { ...FIXTURE_PACKAGES[spec], repository: `git+${IDENTITY[spec].repository}.git` };
    return table;
  }

  const verify = (args: string[], registryUrl = registry.url) =>
    runCli(['verify', ...args, '--offline', '--registry', registryUrl, '--json'], { timeoutMs: 60_000 });

  const errors = (r: CliResult, i = 0) =>
    r.json!.packages[i]!.problems.filter((p) => p.severity === 'error').map((p) => p.code);

  it('every real package verifies in one run, identity as in the README', async () => {
    const started = Date.now();
    // no --expect-repository: each expectation comes from the manifest's repository.url
    const r = await verify([...SPECS]);
    console.log(`verify ${SPECS.length} fixture versions, one CLI run: ${Date.now() - started} ms`);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.json!.packages.map((p) => `${p.name}@${p.version}`)).toEqual(SPECS);
    expect(r.json!.summary).toMatchObject({ total: SPECS.length, verified: SPECS.length, unverified: 0 });
    SPECS.forEach((spec, i) => {
      const pkg = r.json!.packages[i]!;
      expect(pkg.status, spec).toBe('verified');
      expect(
        pkg.problems.filter((p) => p.severity !== 'info').map((p) => p.code),
        spec,
      ).toEqual(SIGNED.includes(spec) ? [] : ['REGISTRY_SIGNATURE_MISSING']);
      expect(pkg.verification, spec).toMatchObject({
        provenance: 'verified',
        publishAttestation: 'verified',
        registrySignature: SIGNED.includes(spec) ? 'verified' : 'missing',
        identity: {
          issuer: 'https://token.actions.githubusercontent.com',
          ...IDENTITY[spec],
          logIndex: provLogIndex(FIXTURE_PACKAGES[spec].attestations),
        },
      });
      expect(pkg.verification!.identity!.commit, spec).toMatch(/^[0-9a-f]{40}$/);
    });
  });

  it.each([PLAYWRIGHT, GHA100])(
    '%s: matching --expect-repository/--expect-workflow/--expect-ref pass',
    async (spec) => {
      const id = IDENTITY[spec];
      const r = await verify([
        spec,
        '--expect-repository',
        id.repository,
        '--expect-workflow',
        id.workflow,
        '--expect-ref',
        id.ref,
      ]);
      expect(r.code, r.stdout).toBe(0);
      expect(r.json!.packages[0]!.verification!.identity).toMatchObject(id);
    },
  );

  it('the reusable-workflow build matches on its source repository (SAN names the generator)', async () => {
    const r = await verify([OSSF, '--expect-repository', 'laurentsimon/provenance-npm-test']);
    expect(r.code, r.stderr).toBe(0);
    const wrong = await verify([OSSF, '--expect-repository', 'slsa-framework/slsa-github-generator']);
    expect(wrong.code).toBe(1);
    expect(errors(wrong)).toEqual(['IDENTITY_MISMATCH']);
  });

  it.each(TAMPERED.map((c, i) => [c.file.split('/').pop()!, c, i] as const))(
    '%s fails',
    async (_name, c, i) => {
      const r = await verify(
        [c.spec, '--expect-repository', IDENTITY[c.spec].repository],
        registry.urlOf(caseKey(i)),
      );
      expect(r.code, r.stderr).toBe(1);
      const [pkg] = r.json!.packages;
      expect(pkg!.status).toBe('unverified');
      expect(errors(r)).toEqual([c.code]);
      expect(pkg!.verification).toMatchObject({
        provenance: c.broken === 'prov' ? 'invalid' : 'verified',
        publishAttestation: c.broken === 'pub' ? 'invalid' : 'verified',
      });
      if (c.sigstore) expect(pkg!.problems.find((p) => p.code === c.code)!.message).toContain(c.sigstore);
      if (c.broken === 'prov' && c.code === SIG) expect(pkg!.verification!.identity).toBeNull();
    },
  );

  it('a wrong --expect-repository, --expect-workflow or --expect-ref is IDENTITY_MISMATCH', async () => {
    const [repo, workflow, ref] = await Promise.all([
      verify([PLAYWRIGHT, '--expect-repository', 'microsoft/playwright']),
      verify([PLAYWRIGHT, '--expect-workflow', '.github/workflows/release.yml']),
      verify([PLAYWRIGHT, '--expect-ref', 'refs/tags/v0.1.0']),
    ]);
    for (const r of [repo, workflow, ref]) {
      expect(r.code, r.stdout).toBe(1);
      expect(errors(r)).toEqual(['IDENTITY_MISMATCH']);
      expect(r.json!.packages[0]!.verification!.identity!.repository).toBe(IDENTITY[PLAYWRIGHT].repository);
    }
  });

  it('--tarball checks each real tarball against dist.integrity', async () => {
    const r = await verify([...WITH_TARBALL, '--tarball']);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json!.summary).toMatchObject({ verified: WITH_TARBALL.length });
    expect(registry.requests.filter((q) => q.endsWith('.tgz')).length).toBeGreaterThanOrEqual(
      WITH_TARBALL.length,
    );
  });

  it('--tarball: a tarball that is not what dist.integrity says is TARBALL_INTEGRITY_MISMATCH', async () => {
    // prefix `tgz`: playwright's real attestations and integrity, another package's tarball
    const r = await verify([PLAYWRIGHT, '--tarball'], registry.urlOf('tgz'));
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual(['TARBALL_INTEGRITY_MISMATCH']);
    expect(r.json!.packages[0]!.verification).toMatchObject({
      provenance: 'verified',
      publishAttestation: 'verified',
    });
  });

  it('given trust: --trusted-root + --npm-keys', async () => {
    const r = await runCli([
      'verify',
      ...SPECS,
      '--trusted-root',
      path.join(FIXTURES, 'trust/trusted_root.sigstore-js-seeds.json'),
      '--npm-keys',
      path.join(FIXTURES, 'trust/npm-v1-keys.corepack.json'),
      '--registry',
      registry.url,
      '--json',
    ]);
    expect(r.code, r.stdout).toBe(0);
    expect(r.json!.summary).toMatchObject({ total: 9, verified: 9 });
  });

  it('one bad version among several does not stop the others', async () => {
    const r = await verify(['tuf-js@1.0.0', 'tuf-js@9.9.9', 'sigstore@1.0.0', 'no-such-package@1.0.0']);
    expect(r.code).toBe(1);
    expect(
      r.json!.packages.map((p) => [
        `${p.name}@${p.version}`,
        p.status,
        p.problems.find((x) => x.severity === 'error')?.code,
      ]),
    ).toEqual([
      ['tuf-js@1.0.0', 'verified', undefined],
      ['tuf-js@9.9.9', 'unverified', 'VERSION_NOT_FOUND'],
      ['sigstore@1.0.0', 'verified', undefined],
      ['no-such-package@1.0.0', 'unverified', 'VERSION_NOT_FOUND'],
    ]);
    expect(r.json!.summary).toMatchObject({ total: 4, verified: 2, unverified: 2 });
  });

  it('--summary writes Markdown; --report equals the JSON on stdout', async () => {
    const summary = path.join(tmp, 'summary.md');
    const report = path.join(tmp, 'out/report.json');
    const r = await verify(['sigstore@1.0.0', 'tuf-js@9.9.9', '--summary', summary, '--report', report]);
    expect(r.code).toBe(1);
    expect(await readFile(report, 'utf8')).toBe(r.stdout);
    const md = await readFile(summary, 'utf8');
    expect(md).toContain('sigstore@1.0.0');
    expect(md).toContain('VERSION_NOT_FOUND');
    expect(md).toMatch(/^\|.*\|$/m); // a Markdown table
  });
});
