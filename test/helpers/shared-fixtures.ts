// The real npm attestations of real packages in ../shared/fixtures/attestations (see its
// README), read at run time by the e2e files that serve them through the fixture registry.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { FIXTURE_PACKAGES } from '../../packages/testing/dist/index.js';
import { SHARED } from './run-cli.js';

export const FIXTURES = path.join(SHARED, 'fixtures/attestations');
/** False when ../shared is not beside the repo: the files that need it skip, and say so. */
export const present = existsSync(path.join(FIXTURES, 'README.md'));
if (!present)
  console.warn(`[e2e] skipping the fixture files: ${FIXTURES} is absent (clone ../shared next to the repo)`);

export type Spec = keyof typeof FIXTURE_PACKAGES;
export const SPECS = Object.keys(FIXTURE_PACKAGES) as Spec[];
/** The two fixture versions whose registry signature is in registry/registry-signatures.json. */
export const SIGNED: Spec[] = ['sigstore@1.0.0', 'tuf-js@1.0.0'];

export interface Expected {
  repository: string;
  workflow: string;
  ref: string;
}
const gh = (repo: string) => `https://github.com/${repo}`;
/** Identities as in the README (SAN / OID .1.12, or legacy .1.5; the reusable workflow's caller in .1.18). */
export const IDENTITY: Record<Spec, Expected> = {
  'gundam-visor@1.0.1': {
    repository: gh('ramonpetgrave64/gundam-visor'),
    workflow: '.github/workflows/npm-publish.yml',
    ref: 'refs/tags/v1.0.1',
  },
  '@laurentsimon/provenance-npm-test@1.0.0': {
    repository: gh('laurentsimon/provenance-npm-test'),
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  '@laurentsimon/provenance-npm-test@1.0.3': {
    repository: gh('laurentsimon/provenance-npm-test'),
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  '@laurentsimon/provenance-npm-test@1.0.5': {
    repository: gh('laurentsimon/provenance-npm-test'),
    workflow: '.github/workflows/release-slsa3.yml',
    ref: 'refs/heads/main',
  },
  'sigstore@2.3.1': {
    repository: gh('sigstore/sigstore-js'),
    workflow: '.github/workflows/release.yml',
    ref: 'refs/heads/main',
  },
  '@trishankatdatadog/supreme-goggles@1.0.5': {
    repository: gh('trishankatdatadog/supreme-goggles'),
    workflow: '.github/workflows/npm-publish.yml',
    ref: 'refs/tags/v1.0.5',
  },
  'sigstore@1.0.0': {
    repository: gh('sigstore/sigstore-js'),
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v1.0.0',
  },
  'tuf-js@1.0.0': {
    repository: gh('theupdateframework/tuf-js'),
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v1.0.0',
  },
  '@playwright/cli@0.1.1': {
    repository: gh('microsoft/playwright-cli'),
    workflow: '.github/workflows/publish.yml',
    ref: 'refs/tags/v0.1.1',
  },
};

interface SignatureCase {
  expect: string;
  dist: { signatures: { keyid: string; sig: string }[] };
}

/** A registry signature from registry/registry-signatures.json that does not verify, under npm's current key id. */
export function bogusSignatures(): { keyid: string; sig: string }[] {
  const { cases } = JSON.parse(
    readFileSync(path.join(FIXTURES, 'registry/registry-signatures.json'), 'utf8'),
  ) as { cases: SignatureCase[] };
  const bogus = cases.find(
    (c) => c.expect !== 'valid' && c.dist.signatures[0]!.keyid.startsWith('SHA256:jl3b'),
  );
  if (!bogus) throw new Error('registry-signatures.json has no invalid case under npm key SHA256:jl3b…');
  return bogus.dist.signatures;
}
