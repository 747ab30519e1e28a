import { describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { isValidAt, lookupNpmKey, parseNpmKeys } from './npm-keys.js';
import { decodeSeeds } from './load-trust.js';

const KEY =
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1Olb3zMAFFxXKHiIkQO5cJ3Yhl5i6UPp+IhuteBJbuHcA5UogKo0EWtlWwW6KSaKoTNEYL7JlCQiVnkhBktUgg==';

describe('parseNpmKeys', () => {
  it('reads the /-/npm/v1/keys shape as both usages, valid until `expires`', () => {
    const keys = parseNpmKeys({
      keys: [
        {
          expires: '2025-01-29T00:00:00.000Z',
          keyid: 'SHA256:a',
          keytype: 'ecdsa-sha2-nistp256',
          scheme: 'ecdsa-sha2-nistp256',
          key: KEY,
        },
      ],
    });
    expect(keys.map((k) => k.usage)).toEqual(['npm:signatures', 'npm:attestations']);
    expect(lookupNpmKey(keys, 'SHA256:a', 'npm:attestations', new Date('2024-01-01')).status).toBe('ok');
    expect(lookupNpmKey(keys, 'SHA256:a', 'npm:attestations', new Date('2025-02-01')).status).toBe('expired');
    expect(lookupNpmKey(keys, 'SHA256:b', 'npm:signatures', null).status).toBe('unknown');
  });

  it('reads the TUF target shape with keyUsage and validFor', () => {
    const keys = parseNpmKeys({
      keys: [
        {
          keyId: 'SHA256:a',
          keyUsage: 'npm:attestations',
          publicKey: {
            rawBytes: KEY,
            keyDetails: 'PKIX_ECDSA_P256_SHA_256',
            validFor: { start: '2022-12-01T00:00:00Z' },
          },
        },
        { keyId: 'SHA256:a', keyUsage: 'npm:other', publicKey: { rawBytes: KEY } },
      ],
    });
    expect(keys).toHaveLength(1);
    expect(isValidAt(keys[0]!, new Date('2022-11-30'))).toBe(false);
    expect(isValidAt(keys[0]!, new Date('2030-01-01'))).toBe(true);
    expect(lookupNpmKey(keys, 'SHA256:a', 'npm:signatures', null).status).toBe('unknown');
  });

  it.each([
    null,
    {},
    { keys: [1] },
    { keys: [{ keyid: 'x', key: 'AAAA' }] },
    { keys: [{ keyid: 'x', key: KEY, expires: 'soon' }] },
    { keys: [{ foo: 1 }] },
  ])('rejects %j with TRUST_MATERIAL_INVALID', (input) => {
    expect(() => parseNpmKeys(input)).toThrowError(ProvenantError);
    try {
      parseNpmKeys(input);
    } catch (error) {
      expect((error as ProvenantError).code).toBe('TRUST_MATERIAL_INVALID');
    }
  });
});

describe('decodeSeeds', () => {
  it('decodes the two base64 targets of a seed', () => {
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64');
    const seeds = {
      'https://tuf.example': {
        'root.json': 'x',
        targets: { 'trusted_root.json': enc({ a: 1 }), 'registry.npmjs.org%2Fkeys.json': enc({ keys: [] }) },
      },
    };
    expect(decodeSeeds(seeds)).toEqual({ trustedRoot: { a: 1 }, npmKeys: { keys: [] } });
  });
  it('refuses a seed without the targets', () => {
    expect(() => decodeSeeds({ x: { targets: {} } })).toThrowError(ProvenantError);
  });
});
