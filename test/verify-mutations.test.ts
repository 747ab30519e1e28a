// `provenant verify` end to end over our own mutations of the real npm attestation fixtures
// (../shared/fixtures/attestations): each a virtual registry of the fixture registry, each
// broken one way, each with the one problem code a release engineer should see.
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKAGES,
  startFixtureRegistry,
  type FixtureRegistry,
  type FixtureTable,
} from '../packages/testing/dist/index.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { FIXTURES, bogusSignatures, present, type Spec } from './helpers/shared-fixtures.js';

const PLAYWRIGHT: Spec = '@playwright/cli@0.1.1';

/** Our own mutations, each a virtual registry of its own. */
function mutations(): Record<string, FixtureTable> {
  const pw = FIXTURE_PACKAGES[PLAYWRIGHT];
  const onlyProv = JSON.parse(readFileSync(path.join(FIXTURES, pw.attestations), 'utf8')) as {
    attestations: { predicateType: string }[];
  };
  onlyProv.attestations = onlyProv.attestations.filter((a) =>
    a.predicateType.startsWith('https://slsa.dev/'),
  );
  return {
    // sigstore@1.0.0's (valid, signed) attestations served as tuf-js@1.0.0's
    swapped: { 'tuf-js@1.0.0': { attestations: FIXTURE_PACKAGES['sigstore@1.0.0'].attestations } },
    integrity: {
      [PLAYWRIGHT]: {
        ...pw,
        integrity: `sha512-${Buffer.alloc(64, 7).toString('base64')}`,
      },
    },
    nopub: { [PLAYWRIGHT]: { ...pw, attestations: { json: onlyProv } } },
    noatt: { [PLAYWRIGHT]: { ...pw, attestations: null } },
    badsig: { 'sigstore@1.0.0': { ...FIXTURE_PACKAGES['sigstore@1.0.0'], signatures: bogusSignatures() } },
    notjson: {
      [PLAYWRIGHT]: { ...pw, attestations: { body: '{"attestations": [', contentType: 'application/json' } },
    },
    html: {
      [PLAYWRIGHT]: {
        ...pw,
        attestations: { body: '<!doctype html><h1>Sign in</h1>', contentType: 'text/html' },
      },
    },
  };
}

describe.skipIf(!present).concurrent('provenant verify: our own mutations of the real fixtures', () => {
  let registry: FixtureRegistry;
  beforeAll(async () => {
    registry = await startFixtureRegistry({ fixturesDir: FIXTURES, registries: mutations() });
  });
  afterAll(async () => {
    await registry?.stop();
  });

  const verify = (args: string[], registryUrl: string) =>
    runCli(['verify', ...args, '--offline', '--registry', registryUrl, '--json'], { timeoutMs: 60_000 });
  const errors = (r: CliResult, i = 0) =>
    r.json!.packages[i]!.problems.filter((p) => p.severity === 'error').map((p) => p.code);

  it('attestations of one package served for another: SUBJECT_MISMATCH', async () => {
    const r = await verify(
      ['tuf-js@1.0.0', '--expect-repository', 'sigstore/sigstore-js'],
      registry.urlOf('swapped'),
    );
    expect(r.code).toBe(1);
    expect(errors(r)).toContain('SUBJECT_MISMATCH');
    expect(r.json!.packages[0]!.verification).toMatchObject({
      provenance: 'invalid',
      publishAttestation: 'invalid',
    });
  });

  it('a changed dist.integrity: DIGEST_MISMATCH', async () => {
    const r = await verify([PLAYWRIGHT], registry.urlOf('integrity'));
    expect(r.code).toBe(1);
    expect(new Set(errors(r))).toEqual(new Set(['DIGEST_MISMATCH']));
  });

  it('no publish attestation: PUBLISH_ATTESTATION_MISSING', async () => {
    const r = await verify([PLAYWRIGHT], registry.urlOf('nopub'));
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual(['PUBLISH_ATTESTATION_MISSING']);
    expect(r.json!.packages[0]!.verification).toMatchObject({
      provenance: 'verified',
      publishAttestation: 'missing',
    });
  });

  it('no attestations at all (404): ATTESTATIONS_MISSING', async () => {
    const r = await verify([PLAYWRIGHT], registry.urlOf('noatt'));
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual(['ATTESTATIONS_MISSING']);
  });

  it('a bad registry signature: REGISTRY_SIGNATURE_INVALID', async () => {
    const r = await verify(['sigstore@1.0.0'], registry.urlOf('badsig'));
    expect(r.code).toBe(1);
    expect(errors(r)).toEqual(['REGISTRY_SIGNATURE_INVALID']);
    expect(r.json!.packages[0]!.verification).toMatchObject({
      provenance: 'verified',
      publishAttestation: 'verified',
      registrySignature: 'invalid',
    });
  });

  it.each(['notjson', 'html'])(
    'an attestations document that is not JSON (%s): clean, one code',
    async (prefix) => {
      const r = await verify([PLAYWRIGHT], registry.urlOf(prefix));
      expect(r.code).toBe(1);
      expect(errors(r)).toEqual(['ATTESTATIONS_INVALID']);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    },
  );
});
