/**
 * Every case of ../shared/fixtures/attestations/README.md: each real package
 * verifies offline with the given and the embedded trust material, each
 * tampered file fails with the right code. Fixtures are read at run time from
 * ../shared (never copied into the project).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProblemCode } from '../problems.js';
import {
  createVerificationTrust,
  decodeSeeds,
  loadEmbeddedTrust,
  type VerificationTrust,
} from '../trust/index.js';
import type { AttestationVerdict } from '../report/types.js';
import { identityOf } from './identity.js';
import { checkAttestation } from './attestation.js';
import { verifyVersion } from './verify-version.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');
const present = existsSync(path.join(FIXTURES, 'README.md'));
const describeFixtures = present ? describe : describe.skip;
if (!present)
  console.warn(`[verify] skipping fixture tests: ${FIXTURES} is absent (clone ../shared next to the repo)`);

const read = (rel: string): Buffer => readFileSync(path.join(FIXTURES, rel));
const json = (rel: string): unknown => JSON.parse(read(rel).toString('utf8'));
const sri = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
const hexToSri = (hex: string) => `sha512-${Buffer.from(hex, 'hex').toString('base64')}`;

interface Pkg {
  name: string;
  version: string;
  /** dist.integrity: from the real tarball, `npm view`, or (no tarball, no registry) the README's digest. */
  integrity: () => string;
  tarball?: string;
  repository: string;
  workflow: string;
  ref: string;
}

const NPM_VIEW = () =>
  (json('registry/npm-view-dist.json') as { packuments: Record<string, { dist: { integrity: string } }> })
    .packuments;
const GHA = 'slsa-verifier/cli-npm-gha/';
const PKGS: Record<string, Pkg> = {
  gundam: {
    name: 'gundam-visor',
    version: '1.0.1',
    integrity: () => sri(read(`${GHA}gundam-visor-cli-v1-tag.tgz`)),
    tarball: `${GHA}gundam-visor-cli-v1-tag.tgz`,
    repository: 'https://github.com/ramonpetgrave64/gundam-visor',
    workflow: '.github/workflows/npm-publish.yml',
    ref: 'refs/tags/v1.0.1',
  },
  prega02: {
    name: '@laurentsimon/provenance-npm-test',
    version: '1.0.3',
    integrity: () => sri(read(`${GHA}provenance-npm-test-cli-v02-prega.tgz`)),
    tarball: `${GHA}provenance-npm-test-cli-v02-prega.tgz`,
    repository: 'https://github.com/laurentsimon/provenance-npm-test',
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  prega1: {
    name: 'sigstore',
    version: '2.3.1',
    integrity: () => NPM_VIEW()['sigstore@2.3.1']!.dist.integrity,
    tarball: `${GHA}provenance-npm-test-cli-v1-prega.tgz`,
    repository: 'https://github.com/sigstore/sigstore-js',
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  ossf: {
    name: '@laurentsimon/provenance-npm-test',
    version: '1.0.5',
    integrity: () => sri(read(`${GHA}provenance-npm-test-ossf.tgz`)),
    tarball: `${GHA}provenance-npm-test-ossf.tgz`,
    // built by slsa-github-generator's reusable workflow; .1.18 names the caller's workflow
    repository: 'https://github.com/laurentsimon/provenance-npm-test',
    workflow: '.github/workflows/release-slsa3.yml',
    ref: 'refs/heads/main',
  },
  goggles: {
    name: '@trishankatdatadog/supreme-goggles',
    version: '1.0.5',
    integrity: () => sri(read(`${GHA}supreme-googles-cli-v02-tag.tgz`)),
    tarball: `${GHA}supreme-googles-cli-v02-tag.tgz`,
    repository: 'https://github.com/trishankatdatadog/supreme-goggles',
    workflow: '.github/workflows/npm-publish.yml',
    ref: 'refs/tags/v1.0.5',
  },
  gha100: {
    name: '@laurentsimon/provenance-npm-test',
    version: '1.0.0',
    integrity: () => hexToSri(subjectDigest('slsa-verifier/gha-testdata/npm-attestations.json')),
    repository: 'https://github.com/laurentsimon/provenance-npm-test',
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  sigstore100: {
    name: 'sigstore',
    version: '1.0.0',
    integrity: () => NPM_VIEW()['sigstore@1.0.0']!.dist.integrity,
    repository: 'https://github.com/sigstore/sigstore-js',
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v1.0.0',
  },
  tufjs: {
    name: 'tuf-js',
    version: '1.0.0',
    integrity: () => NPM_VIEW()['tuf-js@1.0.0']!.dist.integrity,
    repository: 'https://github.com/theupdateframework/tuf-js',
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v1.0.0',
  },
  playwright: {
    name: '@playwright/cli',
    version: '0.1.1',
    integrity: () => NPM_VIEW()['@playwright/cli@0.1.1']!.dist.integrity,
    tarball: 'sigstore-dotnet/playwright-cli-0.1.1.tgz',
    repository: 'https://github.com/microsoft/playwright-cli',
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v0.1.1',
  },
};

function subjectDigest(rel: string): string {
  const doc = json(rel) as { attestations: { bundle: { dsseEnvelope: { payload: string } } }[] };
  const statement = JSON.parse(
    Buffer.from(doc.attestations[0]!.bundle.dsseEnvelope.payload, 'base64').toString(),
  ) as {
    subject: { digest: { sha512: string } }[];
  };
  return statement.subject[0]!.digest.sha512;
}

interface Case {
  file: string;
  pkg: keyof typeof PKGS;
  provenance: AttestationVerdict;
  publish: AttestationVerdict;
  /** The one error code expected; null = verified. */
  code: ProblemCode | null;
  /** Sigstore's own error code carried in the SIGNATURE_INVALID message. */
  sigstore?: string;
}

const bad = (
  file: string,
  pkg: keyof typeof PKGS,
  which: 'prov' | 'pub',
  code: ProblemCode,
  sigstore?: string,
): Case => ({
  file,
  pkg,
  code,
  sigstore,
  provenance: which === 'prov' ? 'invalid' : 'verified',
  publish: which === 'pub' ? 'invalid' : 'verified',
});
const good = (file: string, pkg: keyof typeof PKGS): Case => ({
  file,
  pkg,
  provenance: 'verified',
  publish: 'verified',
  code: null,
});
const T = 'slsa-verifier/gha-testdata/';

export const CASES: Case[] = [
  good(`${GHA}gundam-visor-cli-v1-tag.tgz.json`, 'gundam'),
  bad(
    `${GHA}gundam-visor-cli-v1-tag-invalidsigprov.tgz.json`,
    'gundam',
    'prov',
    'SIGNATURE_INVALID',
    'TLOG_BODY_ERROR',
  ),
  bad(
    `${GHA}gundam-visor-cli-v1-tag-invalidsigpub.tgz.json`,
    'gundam',
    'pub',
    'SIGNATURE_INVALID',
    'TLOG_BODY_ERROR',
  ),
  good(`${GHA}provenance-npm-test-cli-v02-prega.tgz.json`, 'prega02'),
  bad(
    `${GHA}provenance-npm-test-cli-v02-prega-invalidsigprov.tgz.json`,
    'prega02',
    'prov',
    'SIGNATURE_INVALID',
  ),
  bad(
    `${GHA}provenance-npm-test-cli-v02-prega-invalidsigpub.tgz.json`,
    'prega02',
    'pub',
    'SIGNATURE_INVALID',
  ),
  good(`${GHA}provenance-npm-test-cli-v1-prega.tgz.json`, 'prega1'),
  bad(
    `${GHA}provenance-npm-test-cli-v1-prega-invalidsigprov.tgz.json`,
    'prega1',
    'prov',
    'SIGNATURE_INVALID',
    'TLOG_BODY_ERROR',
  ),
  bad(
    `${GHA}provenance-npm-test-cli-v1-prega-invalidsigpub.tgz.json`,
    'prega1',
    'pub',
    'SIGNATURE_INVALID',
    'TLOG_BODY_ERROR',
  ),
  good(`${GHA}provenance-npm-test-ossf.tgz.json`, 'ossf'),
  bad(`${GHA}provenance-npm-test-ossf-invalidsigprov.tgz.json`, 'ossf', 'prov', 'SIGNATURE_INVALID'),
  bad(`${GHA}provenance-npm-test-ossf-invalidsigpub.tgz.json`, 'ossf', 'pub', 'SIGNATURE_INVALID'),
  good(`${GHA}supreme-googles-cli-v02-tag.tgz.json`, 'goggles'),
  bad(`${GHA}supreme-googles-cli-v02-tag-invalidsigprov.tgz.json`, 'goggles', 'prov', 'SIGNATURE_INVALID'),
  bad(`${GHA}supreme-googles-cli-v02-tag-invalidsigpub.tgz.json`, 'goggles', 'pub', 'SIGNATURE_INVALID'),
  good(`${T}npm-attestations.json`, 'gha100'),
  bad(`${T}npm-att-mismatch-prov-payloadtype.json`, 'gha100', 'prov', 'SIGNATURE_INVALID', 'SIGNATURE_ERROR'),
  // byte-identical to the prov one upstream: it tampers the provenance entry too
  bad(`${T}npm-att-mismatch-pub-payloadtype.json`, 'gha100', 'prov', 'SIGNATURE_INVALID', 'SIGNATURE_ERROR'),
  bad(`${T}npm-att-mismatch-prov-predicatetype.json`, 'gha100', 'prov', 'PREDICATE_TYPE_MISMATCH'),
  bad(`${T}npm-att-mismatch-pub-predicatetype.json`, 'gha100', 'pub', 'PREDICATE_TYPE_MISMATCH'),
  bad(`${T}npm-att-prov-invalid-signature.json`, 'gha100', 'prov', 'SIGNATURE_INVALID', 'TLOG_BODY_ERROR'),
  bad(`${T}npm-att-publish-invalid-signature.json`, 'gha100', 'pub', 'SIGNATURE_INVALID'),
  bad(`${T}npm-att-publish-nodigest.json`, 'gha100', 'pub', 'SIGNATURE_INVALID'),
  bad(`${T}npm-att-publish-nosubjects.json`, 'gha100', 'pub', 'SIGNATURE_INVALID'),
  bad(`${T}npm-stmt-mismatch-prov-predicatetype.json`, 'gha100', 'prov', 'SIGNATURE_INVALID'),
  bad(`${T}npm-stmt-mismatch-prov-type.json`, 'gha100', 'prov', 'SIGNATURE_INVALID'),
  bad(`${T}npm-stmt-mismatch-pub-predicatetype.json`, 'gha100', 'pub', 'SIGNATURE_INVALID'),
  bad(`${T}npm-stmt-mismatch-pub-type.json`, 'gha100', 'pub', 'SIGNATURE_INVALID'),
  good('npm-cli/valid-sigstore-attestations.json', 'sigstore100'),
  good('npm-cli/valid-tuf-js-attestations.json', 'tufjs'),
  good('sigstore-dotnet/playwright-cli-0.1.1-attestations.json', 'playwright'),
];

function verifyCase(c: Case, trust: VerificationTrust) {
  const pkg = PKGS[c.pkg]!;
  return verifyVersion(
    {
      name: pkg.name,
      version: pkg.version,
      dist: { integrity: pkg.integrity(), tarball: `https://registry.npmjs.org/${pkg.name}/-/x.tgz` },
      attestationsDoc: json(c.file),
      tarballBytes: pkg.tarball ? read(pkg.tarball) : undefined,
    },
    trust,
    { expectRepository: pkg.repository, expectWorkflow: pkg.workflow, expectRef: pkg.ref },
  );
}

describeFixtures('real npm attestations (offline, embedded @sigstore/tuf seed)', () => {
  let trust: VerificationTrust;
  beforeAll(async () => {
    trust = await loadEmbeddedTrust();
  });

  it.each(CASES.map((c) => [c.file.split('/').pop()!, c] as const))('%s', (_file, c) => {
    const { verification, problems } = verifyCase(c, trust);
    const errors = problems.filter((p) => p.severity === 'error');
    expect({ provenance: verification.provenance, publish: verification.publishAttestation }).toEqual({
      provenance: c.provenance,
      publish: c.publish,
    });
    expect(errors.map((p) => p.code)).toEqual(c.code ? [c.code] : []);
    if (c.sigstore) expect(errors[0]!.message).toContain(c.sigstore);
    // No fixture carries dist.signatures: a warning, never an error.
    expect(verification.registrySignature).toBe('missing');
    expect(problems.map((p) => p.code)).toContain('REGISTRY_SIGNATURE_MISSING');
    if (c.provenance === 'verified') {
      const pkg = PKGS[c.pkg]!;
      expect(verification.identity).toMatchObject({
        issuer: 'https://token.actions.githubusercontent.com',
        repository: pkg.repository,
        workflow: pkg.workflow,
        ref: pkg.ref,
      });
      expect(verification.identity?.logIndex).toEqual(expect.any(Number));
      expect(verification.identity?.commit).toMatch(/^[0-9a-f]{40}$/);
    } else if (c.code === 'SIGNATURE_INVALID') {
      expect(verification.identity).toBeNull(); // an unverified certificate proves no identity
    }
  });

  it('fills runUrl from OID .1.21 on 2023+ certificates and leaves it null on legacy ones', () => {
    const playwright = verifyCase(
      CASES.find((c) => c.pkg === 'playwright')!,
      trust,
    ).verification.identity;
    expect(playwright?.runUrl).toBe(
      'https://github.com/microsoft/playwright-cli/actions/runs/22026075834/attempts/1',
    );
    expect(playwright?.commit).toBe('d1c6d1113932ddcee243e8b111b6d4aea553df20');
    expect(playwright?.logIndex).toBe(953297574);
    const legacy = verifyCase(
      CASES.find((c) => c.pkg === 'gha100' && c.code === null)!,
      trust,
    ).verification.identity;
    expect(legacy?.runUrl).toBeNull();
    expect(legacy?.repository).toBe('https://github.com/laurentsimon/provenance-npm-test'); // from legacy .1.5
  });

  it('matches a reusable-workflow build on its source repository, not on the SAN', () => {
    const doc = json(`${GHA}provenance-npm-test-ossf.tgz.json`) as {
      attestations: { predicateType: string }[];
    };
    const prov = doc.attestations.find((a) => a.predicateType.includes('slsa.dev'));
    const checked = checkAttestation(prov, trust);
    const identity = identityOf(checked.signer!, checked.logIndex);
    expect(identity.subjectAlternativeName).toMatch(
      /^https:\/\/github\.com\/slsa-framework\/slsa-github-generator\//,
    );
    expect(identity.subjectAlternativeName?.startsWith(PKGS.ossf!.repository)).toBe(false);
    expect(identity.repository).toBe(PKGS.ossf!.repository);
  });

  it('checks real tarballs: each sha512 equals the attested subject and dist.integrity', () => {
    for (const key of ['gundam', 'prega02', 'prega1', 'ossf', 'goggles', 'playwright'] as const) {
      const pkg = PKGS[key]!;
      expect(sri(read(pkg.tarball!)), key).toBe(pkg.integrity());
    }
  });
});

describeFixtures('trust material variants', () => {
  const valid = CASES.filter((c) => c.code === null);
  const variants: [string, () => VerificationTrust][] = [
    [
      'given: trusted_root + /-/npm/v1/keys shape',
      () =>
        createVerificationTrust(
          json('trust/trusted_root.sigstore-js-seeds.json'),
          json('trust/npm-v1-keys.corepack.json'),
          'given',
        ),
    ],
    [
      'given: trusted_root + TUF keys.json target shape',
      () =>
        createVerificationTrust(
          json('trust/trusted_root.sigstore-js-seeds.json'),
          json('trust/registry.npmjs.org-keys.tuf-target.json'),
          'given',
        ),
    ],
    [
      'given: sigstore-dotnet trusted_root',
      () =>
        createVerificationTrust(
          json('sigstore-dotnet/trusted_root.json'),
          json('trust/npm-v1-keys.corepack.json'),
          'given',
        ),
    ],
    [
      'decoded from the fixture seeds.json',
      () => {
        const seeds = decodeSeeds(json('trust/sigstore-js-tuf-seeds.json'));
        return createVerificationTrust(seeds.trustedRoot, seeds.npmKeys, 'given');
      },
    ],
  ];
  it.each(variants)('%s verifies every valid package', (_label, make) => {
    const trust = make();
    for (const c of valid) {
      const { problems } = verifyCase(c, trust);
      expect(
        problems.filter((p) => p.severity === 'error'),
        c.file,
      ).toEqual([]);
    }
  });

  it('the installed seed decodes to the same trusted root as the fixture', () => {
    const installed = decodeSeeds(
      JSON.parse(
        readFileSync(path.join(repoRoot, 'packages/core/node_modules/@sigstore/tuf/seeds.json'), 'utf8'),
      ),
    );
    expect(installed.trustedRoot).toEqual(json('trust/trusted_root.sigstore-js-seeds.json'));
    expect(installed.npmKeys).toEqual(json('trust/registry.npmjs.org-keys.tuf-target.json'));
  });
});
