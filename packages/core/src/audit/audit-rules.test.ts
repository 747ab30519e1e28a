import { describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import type { Packument } from '../registry/packument.js';
import type { VersionFacts } from './cache.js';
import { sameIntegrity } from './integrity.js';
import { compilePolicy, judgeVersion } from './judge.js';
import { EMPTY_POLICY, parsePolicy } from './policy.js';
import { findRegression } from './regression.js';

const SHA = (c: string) => `sha512-${Buffer.alloc(64, c).toString('base64')}`;

function policyError(raw: unknown): ProvenantError {
  try {
    parsePolicy(raw, 'provenant.config.json');
  } catch (error) {
    if (error instanceof ProvenantError) return error;
  }
  throw new Error('expected POLICY_INVALID');
}

const facts = (over: Partial<VersionFacts> = {}): VersionFacts => ({
  registryIntegrity: SHA('a'),
  verification: {
    provenance: 'missing',
    publishAttestation: 'missing',
    registrySignature: 'verified',
    identity: null,
  },
  problems: [],
  regression: null,
  manifestRepository: null,
  ...over,
});
const pkg = { name: '@sigstore/core', version: '2.0.0', integrity: SHA('a'), dev: false };
const codes = (list: { code: string; severity: string }[]) => list.map((p) => `${p.code}:${p.severity}`);

describe('policy', () => {
  it('reads the SPEC §8 shape', () => {
    const policy = parsePolicy(
      {
        audit: {
          expect: { '@sigstore/*': { repository: 'https://github.com/sigstore/sigstore-js' } },
          requireProvenance: ['@sigstore/*'],
          allowMissing: { 'left-pad@<2': 'vendored, reviewed' },
          regression: 'error',
        },
      },
      'provenant.config.json',
    );
    expect(policy.regression).toBe('error');
    const rules = compilePolicy(policy);
    expect(rules.pinFor('@sigstore/core')?.repository).toBe('https://github.com/sigstore/sigstore-js');
    expect(rules.pinFor('sigstore')).toBeNull();
    expect(rules.allowedMissing('left-pad', '1.3.0')).toBe('vendored, reviewed');
    expect(rules.allowedMissing('left-pad', '2.0.0')).toBeNull();
  });

  it.each([
    [{ audti: {} }, 'audti'],
    [{ audit: { requireProvenace: [] } }, 'audit.requireProvenace'],
    [{ audit: { expect: { x: { repo: 'a' } } } }, 'repo'],
    [{ audit: { regression: 'fail' } }, 'regression'],
    [{ audit: { allowMissing: { 'a@1': '' } } }, 'reason'],
    [{ audit: { allowMissing: { 'a@not a range!': 'x' } } }, 'name@range'],
  ])('%j is POLICY_INVALID naming %s', (raw, named) => {
    const error = policyError(raw);
    expect(error.code).toBe('POLICY_INVALID');
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(named);
  });
});

describe('judgeVersion', () => {
  const none = compilePolicy(EMPTY_POLICY);
  it('a missing registry signature is an error only where the registry signs', () => {
    const missing = facts({
      verification: { ...facts().verification, registrySignature: 'missing' },
      problems: [{ code: 'REGISTRY_SIGNATURE_MISSING', severity: 'warning', message: 'm', hint: null }],
    });
    expect(codes(judgeVersion(pkg, missing, true, none))).toEqual(['REGISTRY_SIGNATURE_MISSING:error']);
    expect(codes(judgeVersion(pkg, missing, false, none))).toEqual(['REGISTRY_SIGNATURE_MISSING:warning']);
  });

  it('LOCKFILE_INTEGRITY_MISMATCH when the lockfile names other bytes', () => {
    expect(codes(judgeVersion({ ...pkg, integrity: SHA('b') }, facts(), true, none))).toEqual([
      'LOCKFILE_INTEGRITY_MISMATCH:error',
    ]);
    expect(judgeVersion({ ...pkg, integrity: null }, facts(), true, none)).toEqual([]);
  });

  it('pins: a matching identity passes, another repository is IDENTITY_MISMATCH, none at all POLICY_VIOLATION', () => {
    const rules = compilePolicy(
      parsePolicy({ audit: { expect: { '@sigstore/*': { repository: 'sigstore/sigstore-js' } } } }, 'p'),
    );
    const signedBy = (repository: string) =>
      facts({
        verification: {
          provenance: 'verified',
          publishAttestation: 'verified',
          registrySignature: 'verified',
          identity: {
            issuer: 'https://token.actions.githubusercontent.com',
            repository,
            workflow: '.github/workflows/release.yml',
            ref: 'refs/heads/main',
            commit: null,
            runUrl: null,
            logIndex: 1,
          },
        },
      });
    expect(judgeVersion(pkg, signedBy('https://github.com/sigstore/sigstore-js'), true, rules)).toEqual([]);
    expect(codes(judgeVersion(pkg, signedBy('https://github.com/evil/fork'), true, rules))).toEqual([
      'IDENTITY_MISMATCH:error',
    ]);
    expect(codes(judgeVersion(pkg, facts(), true, rules))).toEqual(['POLICY_VIOLATION:error']);
  });

  it('regression: warning by default, error under policy, info when allowed', () => {
    const regressed = facts({
      regression: {
        earlier: { version: '1.0.0', publishedAt: '2025-01-01', publisher: 'ci', how: 'provenance' },
        current: { version: '2.0.0', publishedAt: '2025-02-01', publisher: 'laptop' },
      },
    });
    expect(codes(judgeVersion(pkg, regressed, true, none))).toEqual(['PROVENANCE_REGRESSED:warning']);
    const strict = compilePolicy(parsePolicy({ audit: { regression: 'error' } }, 'p'));
    expect(codes(judgeVersion(pkg, regressed, true, strict))).toEqual(['PROVENANCE_REGRESSED:error']);
    const allowed = compilePolicy(
      parsePolicy({ audit: { regression: 'error', allowMissing: { '@sigstore/core@2': 'known' } } }, 'p'),
    );
    expect(codes(judgeVersion(pkg, regressed, true, allowed))).toEqual(['PROVENANCE_REGRESSED:info']);
  });
});

describe('findRegression', () => {
  const packument = (versions: Record<string, { att?: boolean; tp?: boolean; at: string }>): Packument => ({
    versions: Object.fromEntries(
      Object.entries(versions).map(([v, x]) => [
        v,
        {
          version: v,
          dist: x.att ? { attestations: { url: 'u' } } : {},
          _npmUser: { name: 'u', ...(x.tp ? { trustedPublisher: { id: 'github' } } : {}) },
        },
      ]),
    ),
    time: Object.fromEntries(Object.entries(versions).map(([v, x]) => [v, x.at])),
  });
  it('names the nearest earlier version with provenance or a trusted publisher', () => {
    const p = packument({
      '1.0.0': { att: true, at: '2025-01-01T00:00:00Z' },
      '1.1.0': { tp: true, at: '2025-02-01T00:00:00Z' },
      '1.2.0': { at: '2025-03-01T00:00:00Z' },
    });
    expect(findRegression(p, '1.2.0')?.earlier).toMatchObject({
      version: '1.1.0',
      how: 'trusted publisher (github)',
    });
    expect(findRegression(p, '1.1.0')).toBeNull();
  });
  it('ignores later-published backports and versions without provenance history', () => {
    const p = packument({
      '2.0.0': { att: true, at: '2025-03-01T00:00:00Z' },
      '1.9.9': { at: '2025-04-01T00:00:00Z' }, // semver-lower but published later: no earlier-with-provenance
      '1.0.0': { at: '2025-01-01T00:00:00Z' },
    });
    expect(findRegression(p, '1.0.0')).toBeNull();
    expect(findRegression(p, '1.9.9')).toBeNull();
  });
});

describe('sameIntegrity', () => {
  it('compares a shared algorithm, null when none is shared', () => {
    expect(sameIntegrity(SHA('a'), `${SHA('a')} sha1-AAAA`)).toBe(true);
    expect(sameIntegrity(SHA('a'), SHA('b'))).toBe(false);
    expect(sameIntegrity('sha1-AAAAAAAAAAAAAAAAAAAAAAAAAAA=', SHA('a'))).toBeNull();
  });
});
