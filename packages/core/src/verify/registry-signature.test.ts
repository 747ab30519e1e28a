import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseNpmKeys } from '../trust/npm-keys.js';
import type { RegistrySignature } from './types.js';
import { checkRegistrySignature } from './registry-signature.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');
const present = existsSync(path.join(FIXTURES, 'registry/registry-signatures.json'));
const describeFixtures = present ? describe : describe.skip;
const json = (rel: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));

interface SigCase {
  name: string;
  version: string;
  dist: { integrity: string; signatures: RegistrySignature[] };
  expect: 'valid' | 'invalid-signature' | 'missing-key';
}

describeFixtures('registry signatures (registry/registry-signatures.json)', () => {
  const cases = present ? (json('registry/registry-signatures.json') as { cases: SigCase[] }).cases : [];
  const EXPECTED = {
    valid: [],
    'invalid-signature': ['REGISTRY_SIGNATURE_INVALID'],
    'missing-key': ['KEY_UNKNOWN'],
  };

  for (const [label, keysFile] of [
    ['/-/npm/v1/keys shape', 'trust/npm-v1-keys.corepack.json'],
    ['TUF keys.json shape', 'trust/registry.npmjs.org-keys.tuf-target.json'],
  ] as const) {
    it.each(cases.map((c, i) => [`${i}: ${c.name}@${c.version} → ${c.expect}`, c] as const))(
      `${label}: %s`,
      (_l, c) => {
        const keys = parseNpmKeys(json(keysFile));
        const result = checkRegistrySignature(
          { name: c.name, version: c.version, ...c.dist },
          keys,
          new Date('2023-01-01'),
        );
        expect(result.problems.map((p) => p.code)).toEqual(EXPECTED[c.expect]);
        expect(result.verdict).toBe(c.expect === 'valid' ? 'verified' : 'invalid');
      },
    );
  }

  it('needs the key to be valid when the version was published (KEY_EXPIRED)', () => {
    const c = cases[0]!;
    const keys = parseNpmKeys(json('trust/npm-v1-keys.corepack.json'));
    const result = checkRegistrySignature(
      { name: c.name, version: c.version, ...c.dist },
      keys,
      new Date('2025-06-01'),
    );
    expect(result.problems.map((p) => p.code)).toEqual(['KEY_EXPIRED']);
    // Publish time unknown: the signature alone decides.
    expect(checkRegistrySignature({ name: c.name, version: c.version, ...c.dist }, keys, null).verdict).toBe(
      'verified',
    );
  });

  it('warns (does not fail) when the registry signs nothing', () => {
    const result = checkRegistrySignature({ name: 'a', version: '1.0.0', integrity: 'sha512-x' }, [], null);
    expect(result.verdict).toBe('missing');
    expect(result.problems.map((p) => [p.code, p.severity])).toEqual([
      ['REGISTRY_SIGNATURE_MISSING', 'warning'],
    ]);
  });

  it('rejects a signature that is not base64 DER without throwing', () => {
    const c = cases[0]!;
    const keys = parseNpmKeys(json('trust/npm-v1-keys.corepack.json'));
    const sig = [{ keyid: c.dist.signatures[0]!.keyid, sig: '!!!' }];
    expect(
      checkRegistrySignature(
        { name: c.name, version: c.version, integrity: c.dist.integrity, signatures: sig },
        keys,
        null,
      ).verdict,
    ).toBe('invalid');
  });
});
