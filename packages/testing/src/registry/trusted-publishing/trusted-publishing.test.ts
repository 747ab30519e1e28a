import { describe, expect, it } from 'vitest';
import {
  githubIdTokenClaims,
  IdTokenIssuer,
  withJwtPayload,
  type GitHubIdentity,
} from '../../sigstore/id-token.js';
import { gitlabIdTokenClaims } from '../../sigstore/gitlab-id-token.js';
import { bearerToken, checkIdToken, decodeIdToken, hasValidSignature } from './id-token-check.js';
import { decideExchange, decidePublish, REGISTRY_MESSAGES, type ExchangeGrant } from './registry-answers.js';
import {
  ciConfigFileOf,
  invalidTrustedPublisher,
  matchTrustedPublisher,
  workflowFileOf,
  type StoredTrustedPublisher,
} from './trusted-publisher.js';
import { emptyTrustSettings, tokenHash, type TrustSettings } from './trust-settings.js';

const issuer = new IdTokenIssuer();
const AUDIENCE = 'npm:127.0.0.1';
const NOW_MS = Date.now();
const nowSeconds = Math.floor(NOW_MS / 1000);

const github = (over: Partial<GitHubIdentity> = {}) =>
  githubIdTokenClaims({ repository: 'acme/widgets', ...over }, AUDIENCE);
const GH: StoredTrustedPublisher = {
  provider: 'github',
  repository: 'acme/widgets',
  workflow: 'release.yml',
  oidcConfigId: 'oidc:gh',
};
const GL: StoredTrustedPublisher = {
  provider: 'gitlab',
  projectPath: 'acme/sub/widgets',
  ciFile: '.gitlab-ci.yml',
  oidcConfigId: 'oidc:gl',
};

function settingsWith(
  name: string,
  publishers: StoredTrustedPublisher[],
  disallowTokens = false,
): TrustSettings {
  return { ...emptyTrustSettings(), packages: { [name]: { trustedPublishers: publishers, disallowTokens } } };
}

describe('id token checks', () => {
  it('decodes a JWT payload and refuses anything else', () => {
    expect(decodeIdToken(issuer.mint({ iss: 'x' }))).toEqual({ iss: 'x' });
    expect(decodeIdToken('abc')).toBeNull();
    expect(decodeIdToken('a.b.c')).toBeNull();
    expect(decodeIdToken(`e30.${Buffer.from('[1]').toString('base64url')}.x`)).toBeNull();
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('accepts GitHub and GitLab tokens for the audience, in date', () => {
    const expected = { audience: AUDIENCE, nowSeconds };
    expect(checkIdToken(issuer.mint(github()), expected)).toMatchObject({ ok: true, provider: 'github' });
    const gitlab = gitlabIdTokenClaims({ projectPath: 'acme/widgets' }, AUDIENCE);
    expect(checkIdToken(issuer.mint(gitlab), expected)).toMatchObject({ ok: true, provider: 'gitlab' });
  });

  it('answers 401 for a missing token, foreign or enterprise issuer, other audience, no or past expiry; 400 for a non-JWT', () => {
    const expected = { audience: AUDIENCE, nowSeconds: Math.floor(Date.now() / 1000) + 1 };
    const status = (token: string | null) => {
      const check = checkIdToken(token, expected);
      return check.ok ? 'ok' : `${check.status} ${check.reason}`;
    };
    expect(status(null)).toBe('401 no id token');
    expect(status('nope')).toBe('400 not a JWT');
    expect(status(issuer.mint(github({ issuer: 'https://token.actions.githubusercontent.com/acme' })))).toBe(
      '401 issuer not trusted',
    );
    expect(status(issuer.mint({ ...github(), aud: 'sigstore' }))).toBe('401 audience is not npm:127.0.0.1');
    expect(status(issuer.mint({ ...github(), aud: ['x', AUDIENCE] }))).toBe('ok');
    const hostOrHostname = { ...expected, audience: [AUDIENCE, 'npm:127.0.0.1:4873'] };
    expect(checkIdToken(issuer.mint({ ...github(), aud: 'npm:127.0.0.1:4873' }), hostOrHostname).ok).toBe(
      true,
    );
    expect(status(issuer.mint(github({ extraClaims: { exp: null } })))).toBe('401 no expiry');
    expect(status(issuer.mint(github({ tokenLifetimeSeconds: 0 })))).toBe('401 expired');
    expect(status(issuer.mint({ ...github(), nbf: expected.nowSeconds + 600 }))).toBe('401 not valid yet');
  });
});

describe('id token signatures (only with the issuer keys)', () => {
  it('accepts the issuer own tokens; refuses another key, a changed payload, alg none', () => {
    const token = issuer.mint(github());
    expect(hasValidSignature(token, issuer.jwks.keys)).toBe(true);
    expect(hasValidSignature(new IdTokenIssuer().mint(github()), issuer.jwks.keys)).toBe(false);
    expect(
      hasValidSignature(withJwtPayload(token, { ...github(), repository: 'evil/repo' }), issuer.jwks.keys),
    ).toBe(false);
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${token.split('.')[1]}.`;
    expect(hasValidSignature(none, issuer.jwks.keys)).toBe(false);
    const expected = {
      audience: AUDIENCE,
      nowSeconds: Math.floor(Date.now() / 1000),
      keys: issuer.jwks.keys,
    };
    expect(checkIdToken(token, expected).ok).toBe(true);
    expect(checkIdToken(new IdTokenIssuer().mint(github()), expected)).toMatchObject({
      ok: false,
      status: 401,
      reason: 'signature invalid',
    });
  });
});

describe('trusted publisher matching', () => {
  it('reads the workflow filename and the CI file', () => {
    expect(workflowFileOf('acme/widgets/.github/workflows/release.yml@refs/heads/main')).toBe('release.yml');
    expect(workflowFileOf('acme/widgets/ci/release.yml@refs/heads/main')).toBeNull();
    expect(ciConfigFileOf('gitlab.com/acme/sub/widgets//ci/release.yml@refs/tags/v1')).toBe('ci/release.yml');
    expect(ciConfigFileOf('gitlab.com/acme/widgets')).toBeNull();
  });

  it('GitHub: repository, the calling workflow (not the reusable one), environment, hosted runner, case-sensitive', () => {
    const match = (claims: Record<string, unknown>, publishers = [GH]) =>
      matchTrustedPublisher('github', claims, publishers)?.oidcConfigId ?? null;
    expect(match(github())).toBe('oidc:gh');
    const reusable = 'acme/shared/.github/workflows/publish.yml@refs/heads/main';
    expect(match(github({ jobWorkflowRef: reusable }))).toBe('oidc:gh');
    expect(match(github({ jobWorkflowRef: reusable }), [{ ...GH, workflow: 'publish.yml' }])).toBeNull();
    expect(match(github({ workflow: '.github/workflows/Release.yml' }))).toBeNull();
    expect(match(github({ repository: 'acme/Widgets' }))).toBeNull();
    expect(match(github({ runnerEnvironment: 'self-hosted' }))).toBeNull();
    const withEnvironment = [{ ...GH, environment: 'npm' }];
    expect(match(github(), withEnvironment)).toBeNull();
    expect(match(github({ environment: 'npm' }), withEnvironment)).toBe('oidc:gh');
    expect(match(github({ environment: 'prod' }), withEnvironment)).toBeNull();
    expect(match(github({ environment: 'prod' }))).toBe('oidc:gh');
    expect(matchTrustedPublisher('gitlab', github(), [GH])).toBeNull();
  });

  it('GitLab: project path, CI file, environment, hosted runner', () => {
    const claims = (over = {}) => gitlabIdTokenClaims({ projectPath: 'acme/sub/widgets', ...over }, AUDIENCE);
    const match = (c: Record<string, unknown>, publishers = [GL]) =>
      matchTrustedPublisher('gitlab', c, publishers)?.oidcConfigId ?? null;
    expect(match(claims())).toBe('oidc:gl');
    expect(match(claims({ ciConfigPath: 'release.gitlab-ci.yml' }))).toBeNull();
    expect(match(claims({ projectPath: 'acme/widgets' }))).toBeNull();
    expect(match(claims({ runnerEnvironment: 'self-hosted' }))).toBeNull();
    expect(match(claims(), [{ ...GL, environment: 'npm' }])).toBeNull();
    expect(match(claims({ environment: 'npm' }), [{ ...GL, environment: 'npm' }])).toBe('oidc:gl');
  });

  it('refuses configurations npm would not take', () => {
    expect(
      invalidTrustedPublisher({ provider: 'github', repository: 'acme/widgets', workflow: 'release.yml' }),
    ).toBeNull();
    expect(
      invalidTrustedPublisher({
        provider: 'github',
        repository: 'acme/widgets',
        workflow: '.github/workflows/r.yml',
      }),
    ).not.toBeNull();
    expect(
      invalidTrustedPublisher({ provider: 'github', repository: 'widgets', workflow: 'r.yml' }),
    ).not.toBeNull();
    expect(
      invalidTrustedPublisher({ provider: 'gitlab', projectPath: 'widgets', ciFile: '.gitlab-ci.yml' }),
    ).not.toBeNull();
  });
});

describe('registry answers', () => {
  const exchangeFor = (over: Partial<Parameters<typeof decideExchange>[0]> = {}) =>
    decideExchange({
      packageName: '@acme/a',
      idToken: issuer.mint(github()),
      audience: AUDIENCE,
      packageExists: true,
      settings: settingsWith('@acme/a', [GH]),
      nowMs: NOW_MS,
      newToken: 'npm_minted',
      ...over,
    });

  it('201 with a one-hour token scoped to the package', () => {
    const outcome = exchangeFor();
    expect(outcome.answer).toEqual({
      status: 201,
      body: {
        token_type: 'oidc',
        token: 'npm_minted',
        created: new Date(NOW_MS).toISOString(),
        expires: new Date(NOW_MS + 3600_000).toISOString(),
      },
    });
    expect(outcome.grant).toMatchObject({ packageName: '@acme/a', tokenHash: tokenHash('npm_minted') });
    expect(JSON.stringify(outcome.grant)).not.toContain('npm_minted');
  });

  it('404 for a new package and for a configuration that does not match; 400/401 before either', () => {
    const notFound = { status: 404, body: { message: REGISTRY_MESSAGES.exchangeNotFound } };
    expect(exchangeFor({ packageExists: false }).answer).toEqual(notFound);
    expect(exchangeFor({ settings: emptyTrustSettings() }).answer).toEqual(notFound);
    expect(exchangeFor({ idToken: 'x', packageExists: false }).answer.status).toBe(400);
    expect(exchangeFor({ audience: 'npm:registry.npmjs.org', packageExists: false }).answer).toEqual({
      status: 401,
      body: { message: REGISTRY_MESSAGES.exchangeUnauthorized },
    });
  });

  const grant = (over: Partial<ExchangeGrant> = {}): ExchangeGrant => ({
    tokenHash: tokenHash('npm_minted'),
    packageName: '@acme/a',
    provider: 'github',
    publisher: GH,
    allowedActions: ['publish'],
    expiresAtMs: NOW_MS + 1000,
    ...over,
  });
  const publish = (over: Partial<Parameters<typeof decidePublish>[0]> = {}) =>
    decidePublish({
      packageName: '@acme/a',
      token: 'npm_minted',
      grant: grant(),
      staticTokenUser: undefined,
      settings: settingsWith('@acme/a', [GH]),
      nowMs: NOW_MS,
      ...over,
    });

  it('an exchanged token publishes its package only, as the trusted publisher, while it lives', () => {
    expect(publish()).toEqual({
      kind: 'allow',
      auth: 'oidc',
      user: 'GitHub Actions',
      npmUser: {
        name: 'GitHub Actions',
        email: 'npm-oidc-no-reply@github.com',
        trustedPublisher: { id: 'github', oidcConfigId: 'oidc:gh' },
      },
    });
    expect(publish({ packageName: '@acme/b' })).toMatchObject({ kind: 'refuse', answer: { status: 403 } });
    expect(publish({ grant: grant({ allowedActions: ['stage'] }) })).toMatchObject({
      answer: { status: 403, body: { error: REGISTRY_MESSAGES.oidcActionDenied } },
    });
    expect(publish({ grant: grant({ expiresAtMs: NOW_MS }) })).toMatchObject({
      answer: { status: 404, headers: { 'npm-notice': REGISTRY_MESSAGES.tokenExpiredNotice } },
    });
  });

  it('a static token: allowed, refused where tokens are disallowed, 404 once revoked; no token is not ours to judge', () => {
    const staticToken = { token: 'static', grant: null, staticTokenUser: 'alice' };
    expect(publish(staticToken)).toMatchObject({ kind: 'allow', auth: 'token', npmUser: { name: 'alice' } });
    expect(publish({ ...staticToken, settings: settingsWith('@acme/a', [], true) })).toMatchObject({
      answer: { status: 403, body: { error: REGISTRY_MESSAGES.tokensNotAllowed } },
    });
    const revoked = { ...emptyTrustSettings(), revokedTokenHashes: [tokenHash('static')] };
    expect(publish({ ...staticToken, settings: revoked })).toMatchObject({ answer: { status: 404 } });
    expect(publish({ token: null, grant: null })).toEqual({ kind: 'pass' });
  });
});
