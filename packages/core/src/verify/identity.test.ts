import { generateKeyPairSync } from 'node:crypto';
import type { Signer } from '@sigstore/verify';
import { describe, expect, it } from 'vitest';
import { checkIdentity, identityOf, logSearchUrl, splitWorkflowUri } from './identity.js';

const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const oid = (n: number) => ({ id: `1.3.6.1.4.1.57264.1.${n}`.split('.').map(Number) });
/** DER UTF8String, as Fulcio writes extensions .1.8 and later. */
const der = (text: string) =>
  Buffer.concat([Buffer.from([0x0c, Buffer.byteLength(text)]), Buffer.from(text)]);

function signer(san: string, ext: Record<number, string>): Signer {
  return {
    key: publicKey,
    identity: {
      subjectAlternativeName: san,
      extensions: { issuer: ext[8] ?? ext[1] },
      oids: Object.entries(ext).map(([n, v]) => ({
        oid: oid(Number(n)),
        value: Number(n) >= 8 ? der(v) : Buffer.from(v),
      })),
    },
  };
}

const GENERATOR =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator.yml@refs/tags/v1.6.0';

describe('identityOf', () => {
  it('reads the 2023+ extensions (DER encoded)', () => {
    const id = identityOf(
      signer('https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1', {
        8: 'https://token.actions.githubusercontent.com',
        12: 'https://github.com/o/r',
        13: 'a'.repeat(40),
        14: 'refs/tags/v1',
        18: 'https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1',
        21: 'https://github.com/o/r/actions/runs/1/attempts/1',
      }),
      7,
    );
    expect(id).toEqual({
      issuer: 'https://token.actions.githubusercontent.com',
      repository: 'https://github.com/o/r',
      workflow: '.github/workflows/rel.yml',
      ref: 'refs/tags/v1',
      commit: 'a'.repeat(40),
      runUrl: 'https://github.com/o/r/actions/runs/1/attempts/1',
      logIndex: 7,
      subjectAlternativeName: 'https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1',
    });
  });

  it('falls back to the legacy raw extensions of pre-March-2023 certificates', () => {
    const id = identityOf(
      signer('https://github.com/o/r/.github/workflows/rel.yml@refs/heads/main', {
        1: 'https://token.actions.githubusercontent.com',
        3: 'b'.repeat(40),
        5: 'o/r',
        6: 'refs/heads/main',
      }),
      null,
    );
    expect(id).toMatchObject({
      repository: 'https://github.com/o/r',
      workflow: '.github/workflows/rel.yml',
      ref: 'refs/heads/main',
      commit: 'b'.repeat(40),
      runUrl: null,
    });
  });

  it('never reports a reusable workflow generator path as the source workflow', () => {
    const legacy = identityOf(
      signer(GENERATOR, { 1: 'https://token.actions.githubusercontent.com', 5: 'o/r', 6: 'refs/heads/main' }),
      null,
    );
    expect(legacy.repository).toBe('https://github.com/o/r');
    expect(legacy.workflow).toBe(GENERATOR);
    expect(checkIdentity(legacy, { expectRepository: 'o/r' })).toEqual([]);
    expect(
      checkIdentity(legacy, {
        expectRepository: 'o/r',
        expectWorkflow: '.github/workflows/generator.yml',
      }).map((p) => p.code),
    ).toEqual(['IDENTITY_MISMATCH']);
    const modern = identityOf(
      signer(GENERATOR, {
        8: 'https://token.actions.githubusercontent.com',
        9: GENERATOR,
        12: 'https://github.com/o/r',
        18: 'https://github.com/o/r/.github/workflows/release.yml@refs/heads/main',
      }),
      null,
    );
    expect(modern.workflow).toBe('.github/workflows/release.yml');
  });
});

describe('checkIdentity', () => {
  const id = identityOf(
    signer('https://github.com/o/r/.github/workflows/rel.yml@refs/tags/v1', {
      8: 'https://token.actions.githubusercontent.com',
      12: 'https://github.com/o/r',
      14: 'refs/tags/v1',
    }),
    1,
  );
  const codes = (policy: Parameters<typeof checkIdentity>[1]) => checkIdentity(id, policy).map((p) => p.code);

  it('accepts the right repository in any spelling, workflow with ./, short ref', () => {
    expect(
      codes({
        expectRepository: 'git+https://github.com/o/r.git',
        expectWorkflow: './.github/workflows/rel.yml',
        expectRef: 'v1',
      }),
    ).toEqual([]);
    expect(
      codes({ expectRef: 'refs/tags/v1', expectIssuer: 'https://token.actions.githubusercontent.com/' }),
    ).toEqual([]);
  });
  it.each([
    [{ expectRepository: 'o/other' }],
    [{ expectRepository: 'O/r' }],
    [{ expectRepository: 'not a repository' }],
    [{ expectWorkflow: '.github/workflows/other.yml' }],
    [{ expectRef: 'v2' }],
    [{ expectRef: 'refs/heads/v1' }],
    [{ expectIssuer: 'https://gitlab.com' }],
    [{ expectRepository: 'https://gitlab.com/o/r' }], // GitLab repository, GitHub issuer: two mismatches
  ])('%j → IDENTITY_MISMATCH', (policy) => {
    expect(new Set(codes(policy))).toEqual(new Set(['IDENTITY_MISMATCH']));
  });
});

describe('splitWorkflowUri', () => {
  it('splits path and ref', () => {
    expect(splitWorkflowUri('https://github.com/o/r/.github/workflows/x.yml@refs/tags/v1')).toEqual({
      path: '.github/workflows/x.yml',
      ref: 'refs/tags/v1',
    });
    expect(
      splitWorkflowUri(
        'https://gitlab.com/g/sub/p//.gitlab-ci.yml@refs/heads/main',
        'https://gitlab.com/g/sub/p',
      ),
    ).toEqual({
      path: '.gitlab-ci.yml',
      ref: 'refs/heads/main',
    });
    expect(splitWorkflowUri('nope')).toBeNull();
  });
});

describe('logSearchUrl', () => {
  it('links to the public Rekor search', () => {
    expect(logSearchUrl(953297574)).toBe('https://search.sigstore.dev/?logIndex=953297574');
  });
});
