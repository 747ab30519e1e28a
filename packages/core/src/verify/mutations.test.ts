/**
 * Our own mutations of real fixtures: every way the registry (or a
 * man-in-the-middle) can serve something that is not what CI built.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVerificationTrust, type VerificationTrust } from '../trust/index.js';
import type { IdentityPolicy, VersionInput } from './types.js';
import { verifyVersion } from './verify-version.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');
const present = existsSync(path.join(FIXTURES, 'README.md'));
const describeFixtures = present ? describe : describe.skip;

const read = (rel: string) => readFileSync(path.join(FIXTURES, rel));
const json = <T = unknown>(rel: string) => JSON.parse(read(rel).toString('utf8')) as T;

interface Entry {
  predicateType: string;
  // Bundles are mutated freely here; their JSON shape is not worth typing.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  bundle: Record<string, any>;
}
interface Doc {
  attestations: Entry[];
}

const PLAYWRIGHT = {
  name: '@playwright/cli',
  version: '0.1.1',
  integrity:
    'sha512-9k11ZfDwAfMVDDIuEVW1Wvs8SoDNXIY1dNQ+9C9/SS8ZmElkcxesu5eoL7vNa96ntibUGaq1TM2qQoqvdl/I9g==',
  repository: 'https://github.com/microsoft/playwright-cli',
};
const SIGSTORE = {
  name: 'sigstore',
  version: '1.0.0',
  integrity:
    'sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==',
  signatures: [
    {
      keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
      sig: 'MEQCIBlpcHT68iWOpx8pJr3WUzD1EqQ7tb0CmY36ebbceR6IAiAVGRaxrFoyh0/5B7H1o4VFhfsHw9F8G+AxOZQq87q+lg==',
    },
  ],
  repository: 'https://github.com/sigstore/sigstore-js',
};

const codes = (r: ReturnType<typeof verifyVersion>, severity = 'error') =>
  r.problems.filter((p) => p.severity === severity).map((p) => p.code);

describeFixtures('verifyVersion: mutations of real attestations', () => {
  let trust: VerificationTrust;
  let playwrightDoc: Doc;
  let sigstoreDoc: Doc;
  beforeAll(() => {
    trust = createVerificationTrust(
      json('trust/trusted_root.sigstore-js-seeds.json'),
      json('trust/npm-v1-keys.corepack.json'),
      'given',
    );
    playwrightDoc = json<Doc>('sigstore-dotnet/playwright-cli-0.1.1-attestations.json');
    sigstoreDoc = json<Doc>('npm-cli/valid-sigstore-attestations.json');
  });
  const clone = (doc: Doc): Doc => structuredClone(doc);
  const playwright = (
    over: Partial<VersionInput> = {},
    policy: IdentityPolicy = { expectRepository: PLAYWRIGHT.repository },
  ) =>
    verifyVersion(
      {
        name: PLAYWRIGHT.name,
        version: PLAYWRIGHT.version,
        dist: {
          integrity: PLAYWRIGHT.integrity,
          tarball: 'https://registry.npmjs.org/@playwright/cli/-/cli-0.1.1.tgz',
        },
        attestationsDoc: playwrightDoc,
        ...over,
      },
      trust,
      policy,
    );
  const prov = (doc: Doc) => doc.attestations.find((a) => a.predicateType.startsWith('https://slsa.dev'))!;
  const pub = (doc: Doc) => doc.attestations.find((a) => a.predicateType.includes('npm/attestation'))!;

  it('verifies the untouched document (baseline)', () => {
    const r = playwright();
    expect(codes(r)).toEqual([]);
    expect(r.verification).toMatchObject({ provenance: 'verified', publishAttestation: 'verified' });
  });

  it('rejects the attestations of one package served for another (SUBJECT_MISMATCH)', () => {
    const r = verifyVersion(
      {
        name: 'tuf-js',
        version: '1.0.0',
        dist: { integrity: SIGSTORE.integrity, tarball: '' },
        attestationsDoc: sigstoreDoc,
      },
      trust,
      {},
    );
    expect(codes(r)).toEqual(['SUBJECT_MISMATCH', 'SUBJECT_MISMATCH', 'SUBJECT_MISMATCH']); // prov subject, pub subject, pub predicate
    expect(r.verification).toMatchObject({ provenance: 'invalid', publishAttestation: 'invalid' });
  });

  it('rejects the attestations of another version of the same package', () => {
    const r = playwright({ version: '0.1.2' });
    expect(new Set(codes(r))).toEqual(new Set(['SUBJECT_MISMATCH']));
  });

  it('rejects a changed dist.integrity (DIGEST_MISMATCH)', () => {
    const r = playwright({ dist: { integrity: SIGSTORE.integrity, tarball: '' } });
    expect(codes(r)).toEqual(['DIGEST_MISMATCH', 'DIGEST_MISMATCH']);
  });

  it('checks tarball bytes against dist.integrity (TARBALL_INTEGRITY_MISMATCH)', () => {
    expect(codes(playwright({ tarballBytes: read('sigstore-dotnet/playwright-cli-0.1.1.tgz') }))).toEqual([]);
    expect(codes(playwright({ tarballBytes: Buffer.from('not the tarball') }))).toEqual([
      'TARBALL_INTEGRITY_MISMATCH',
    ]);
  });

  it('rejects a wrong expected repository, workflow, ref or issuer (IDENTITY_MISMATCH)', () => {
    expect(codes(playwright({}, { expectRepository: 'https://github.com/microsoft/playwright' }))).toEqual([
      'IDENTITY_MISMATCH',
    ]);
    expect(codes(playwright({}, { expectWorkflow: '.github/workflows/release.yml' }))).toEqual([
      'IDENTITY_MISMATCH',
    ]);
    expect(codes(playwright({}, { expectRef: 'refs/tags/v0.1.0' }))).toEqual(['IDENTITY_MISMATCH']);
    expect(codes(playwright({}, { expectIssuer: 'https://gitlab.com' }))).toEqual(['IDENTITY_MISMATCH']);
    // Owner and name compare case-sensitively, as npm does.
    expect(codes(playwright({}, { expectRepository: 'Microsoft/playwright-cli' }))).toEqual([
      'IDENTITY_MISMATCH',
    ]);
    const r = playwright({}, { expectRepository: 'https://github.com/evil/playwright-cli' });
    expect(r.verification.provenance).toBe('invalid');
    expect(r.verification.identity?.repository).toBe(PLAYWRIGHT.repository);
  });

  it('accepts every common spelling of the right repository, workflow and ref', () => {
    for (const expectRepository of [
      'microsoft/playwright-cli',
      'github:microsoft/playwright-cli',
      'git+https://github.com/microsoft/playwright-cli.git',
      'git@github.com:microsoft/playwright-cli.git',
      'https://github.com/microsoft/playwright-cli/',
    ]) {
      expect(
        codes(
          playwright(
            {},
            { expectRepository, expectWorkflow: '.github/workflows/publish.yml', expectRef: 'v0.1.1' },
          ),
        ),
        expectRepository,
      ).toEqual([]);
    }
  });

  it('reports a missing publish attestation or provenance', () => {
    const noPub = clone(playwrightDoc);
    noPub.attestations = [prov(noPub)];
    const r = playwright({ attestationsDoc: noPub });
    expect(codes(r)).toEqual(['PUBLISH_ATTESTATION_MISSING']);
    expect(r.verification).toMatchObject({ provenance: 'verified', publishAttestation: 'missing' });
    const noProv = clone(playwrightDoc);
    noProv.attestations = [pub(noProv)];
    const r2 = playwright({ attestationsDoc: noProv });
    expect(codes(r2)).toEqual(['PROVENANCE_MISSING']);
    expect(r2.verification.identity).toBeNull();
  });

  it('reports no attestations at all (ATTESTATIONS_MISSING)', () => {
    const r = playwright({ attestationsDoc: null });
    expect(codes(r)).toEqual(['ATTESTATIONS_MISSING']);
    expect(r.verification).toMatchObject({
      provenance: 'missing',
      publishAttestation: 'missing',
      identity: null,
    });
    expect(codes(playwright({ attestationsDoc: { attestations: [] } }))).toEqual(['ATTESTATIONS_MISSING']);
  });

  it('turns malformed documents into ATTESTATIONS_INVALID, never a throw', () => {
    expect(codes(playwright({ attestationsDoc: Buffer.from('<html>not json') }))).toEqual([
      'ATTESTATIONS_INVALID',
    ]);
    expect(codes(playwright({ attestationsDoc: '{"attestations": {}}' }))).toEqual(['ATTESTATIONS_INVALID']);
    expect(codes(playwright({ attestationsDoc: 42 }))).toEqual(['ATTESTATIONS_INVALID']);
    expect(codes(playwright({ attestationsDoc: { attestations: [null, 'x'] } }))).toEqual([
      'ATTESTATIONS_INVALID',
      'ATTESTATIONS_INVALID',
      'PROVENANCE_MISSING',
      'PUBLISH_ATTESTATION_MISSING',
    ]);
  });

  it('rejects a bundle with an unknown media type or missing fields', () => {
    const unknownType = clone(playwrightDoc);
    prov(unknownType).bundle.mediaType = 'application/vnd.dev.sigstore.bundle+json;version=9.9';
    const r = playwright({ attestationsDoc: unknownType });
    expect(codes(r)).toEqual(['ATTESTATIONS_INVALID']);

    const missing = clone(playwrightDoc);
    delete prov(missing).bundle.verificationMaterial;
    expect(codes(playwright({ attestationsDoc: missing }))).toEqual(['ATTESTATIONS_INVALID']);

    const noPayload = clone(playwrightDoc);
    delete pub(noPayload).bundle.dsseEnvelope;
    expect(codes(playwright({ attestationsDoc: noPayload }))).toEqual(['ATTESTATIONS_INVALID']);
  });

  it('rejects a truncated certificate cleanly', () => {
    const doc = clone(playwrightDoc);
    const material = prov(doc).bundle.verificationMaterial;
    const raw = Buffer.from(material.certificate.rawBytes as string, 'base64');
    material.certificate.rawBytes = raw.subarray(0, raw.length / 2).toString('base64');
    const r = playwright({ attestationsDoc: doc });
    expect(codes(r)).toEqual(['ATTESTATIONS_INVALID']);
    expect(r.verification.provenance).toBe('invalid');
    // v0.1 bundles carry a chain instead
    const old = clone(sigstoreDoc);
    const chain = prov(old).bundle.verificationMaterial.x509CertificateChain.certificates[0];
    chain.rawBytes = Buffer.from(chain.rawBytes as string, 'base64')
      .subarray(0, 100)
      .toString('base64');
    const r2 = verifyVersion(
      {
        name: 'sigstore',
        version: '1.0.0',
        dist: { integrity: SIGSTORE.integrity, tarball: '' },
        attestationsDoc: old,
      },
      trust,
      {},
    );
    expect(codes(r2)).toEqual(['ATTESTATIONS_INVALID']);
  });

  it('rejects a signed payload that is not JSON before any crypto', () => {
    const doc = clone(playwrightDoc);
    pub(doc).bundle.dsseEnvelope.payload = Buffer.from('not json').toString('base64');
    expect(codes(playwright({ attestationsDoc: doc }))).toEqual(['ATTESTATIONS_INVALID']);
  });

  it('reports a publish attestation key npm does not list (KEY_UNKNOWN) or that expired (KEY_EXPIRED)', () => {
    const keys = json<{ keys: { keyid: string; expires: string | null }[] }>(
      'trust/npm-v1-keys.corepack.json',
    );
    const root = json('trust/trusted_root.sigstore-js-seeds.json');
    const onlyOld = createVerificationTrust(
      root,
      { keys: keys.keys.filter((k) => k.keyid.startsWith('SHA256:jl3b')) },
      'given',
    );
    const r = verifyVersion(
      {
        name: PLAYWRIGHT.name,
        version: PLAYWRIGHT.version,
        dist: { integrity: PLAYWRIGHT.integrity, tarball: '' },
        attestationsDoc: playwrightDoc,
      },
      onlyOld,
      {},
    );
    expect(codes(r)).toEqual(['KEY_UNKNOWN']);
    expect(r.verification.publishAttestation).toBe('invalid');

    const expiredKeys = { keys: keys.keys.map((k) => ({ ...k, expires: '2025-02-01T00:00:00.000Z' })) };
    const expired = createVerificationTrust(root, expiredKeys, 'given');
    const r2 = verifyVersion(
      {
        name: PLAYWRIGHT.name,
        version: PLAYWRIGHT.version,
        dist: { integrity: PLAYWRIGHT.integrity, tarball: '' },
        attestationsDoc: playwrightDoc,
      },
      expired,
      {},
    );
    expect(codes(r2)).toEqual(['KEY_EXPIRED']);
  });

  it('checks the registry signature along with the attestations', () => {
    const base = { name: SIGSTORE.name, version: SIGSTORE.version, attestationsDoc: sigstoreDoc };
    const ok = verifyVersion(
      { ...base, dist: { integrity: SIGSTORE.integrity, tarball: '', signatures: SIGSTORE.signatures } },
      trust,
      { expectRepository: SIGSTORE.repository },
    );
    expect(codes(ok)).toEqual([]);
    expect(codes(ok, 'warning')).toEqual([]);
    expect(ok.verification).toEqual(
      expect.objectContaining({
        provenance: 'verified',
        publishAttestation: 'verified',
        registrySignature: 'verified',
      }),
    );

    const badSig = [
      { ...SIGSTORE.signatures[0]!, sig: SIGSTORE.signatures[0]!.sig.replace('MEQCIBl', 'MEQCIBm') },
    ];
    const bad = verifyVersion(
      { ...base, dist: { integrity: SIGSTORE.integrity, tarball: '', signatures: badSig } },
      trust,
      {},
    );
    expect(codes(bad)).toEqual(['REGISTRY_SIGNATURE_INVALID']);
    expect(bad.verification.registrySignature).toBe('invalid');
  });
});
