import { describe, expect, it } from 'vitest';
import type { ExchangeOutcome } from '../oidc/exchange.js';
import type { IdTokenResult } from '../oidc/id-token.js';
import type { IdTokenClaims } from '../oidc/jwt.js';
import { planAuth, type AuthFacts } from './auth-rules.js';
import { trustCommand } from './auth-messages.js';

const CLAIMS: IdTokenClaims = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: ['npm:registry.npmjs.org'],
  exp: 4_000_000_000,
  sub: 'repo:acme/widgets:ref:refs/heads/main',
  repository: 'acme/widgets',
  workflowRef: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
  jobWorkflowRef: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
  environment: null,
  visibility: 'public',
  runnerEnvironment: 'github-hosted',
  projectPath: null,
  ciConfigRefUri: null,
};
const ID: IdTokenResult = { kind: 'token', token: 'x.y.z', source: 'github-actions', claims: CLAIMS };
const OK: ExchangeOutcome = { kind: 'ok', token: 't', expires: '2030-01-01T00:00:00Z' };
const NOT_FOUND: ExchangeOutcome = {
  kind: 'not-found',
  message: 'OIDC token exchange error - package not found',
};

function facts(
  over: Partial<AuthFacts> = {},
  outcomes: Record<string, ExchangeOutcome> = { a: OK, b: OK },
): AuthFacts {
  return {
    mode: 'auto',
    publisher: { name: 'npm', version: '11.19.1' },
    npmVersion: '11.19.1',
    registry: 'https://registry.npmjs.org/',
    staticToken: { kind: 'none' },
    idToken: ID,
    exchanges: new Map(Object.entries(outcomes)),
    packages: Object.keys(outcomes).map((name) => ({ name, exists: true })),
    now: Date.parse('2026-01-01T00:00:00Z'),
    ...over,
  };
}
const env = (f: AuthFacts) => planAuth(f).environment.map((p) => `${p.code}:${p.severity}`);
const pkgs = (f: AuthFacts) =>
  Object.fromEntries(
    [...planAuth(f).packages].map(([n, v]) => [
      n,
      [v.auth, ...v.problems.map((p) => `${p.code}:${p.severity}`)],
    ]),
  );

describe('planAuth', () => {
  it('201 for every package: oidc, nothing to report; npm does the exchange itself', () => {
    expect(env(facts())).toEqual([]);
    expect(pkgs(facts())).toEqual({ a: ['oidc'], b: ['oidc'] });
    expect(planAuth(facts()).broker).toBe(false);
  });

  it('404 on an existing package: TRUSTED_PUBLISHER_MISMATCH, an error without a token, a warning with one (auto), an error with --auth oidc', () => {
    const o = { a: OK, b: NOT_FOUND };
    expect(pkgs(facts({}, o)).b).toEqual([null, 'TRUSTED_PUBLISHER_MISMATCH:error']);
    const token = { staticToken: { kind: 'token', where: '.npmrc' } } as const;
    expect(pkgs(facts(token, o)).b).toEqual(['token', 'TRUSTED_PUBLISHER_MISMATCH:warning']);
    expect(env(facts(token, o))).toEqual(['STATIC_TOKEN_FALLBACK:warning']);
    expect(pkgs(facts({ ...token, mode: 'oidc' }, o)).b).toEqual([
      'token',
      'TRUSTED_PUBLISHER_MISMATCH:error',
    ]);
    const p = planAuth(facts({}, o)).packages.get('b')!.problems[0]!;
    expect(p.message).toContain('repository acme/widgets, workflow file release.yml, environment (none)');
    expect(p.hint).toContain('npm trust github b --repo acme/widgets --file release.yml');
  });

  it('404 on a new package: FIRST_PUBLISH_NEEDS_TOKEN; 401: OIDC_TOKEN_REJECTED; HTML/500: OIDC_EXCHANGE_FAILED', () => {
    const f = facts(
      {},
      {
        fresh: NOT_FOUND,
        denied: { kind: 'unauthorized', message: 'OIDC token exchange error - unauthorized' },
        html: { kind: 'bad-response', status: 500, why: 'HTTP 500, the answer is not JSON' },
        gone: { kind: 'unreachable', why: 'no answer within 1000 ms' },
      },
    );
    f.packages = [{ name: 'fresh', exists: false }, ...f.packages.slice(1)];
    expect(pkgs(f)).toEqual({
      fresh: [null, 'FIRST_PUBLISH_NEEDS_TOKEN:error'],
      denied: [null, 'OIDC_TOKEN_REJECTED:error'],
      html: [null, 'OIDC_EXCHANGE_FAILED:error'],
      gone: [null, 'OIDC_EXCHANGE_FAILED:error'],
    });
    // with a stored token (auto) the first version is the bootstrap: published with the token
    const bootstrap = facts({ staticToken: { kind: 'token', where: '.npmrc' } }, { fresh: NOT_FOUND });
    bootstrap.packages = [{ name: 'fresh', exists: false }];
    expect(pkgs(bootstrap)).toEqual({ fresh: ['token'] });
  });

  it("401: whether the id token had expired is judged by the check's clock, not the host's", () => {
    const denied: ExchangeOutcome = {
      kind: 'unauthorized',
      message: 'OIDC token exchange error - unauthorized',
    };
    const message = (claims: IdTokenClaims, now: number) =>
      planAuth(facts({ idToken: { ...ID, claims }, now }, { a: denied })).packages.get('a')!.problems[0]!;
    // CLAIMS.exp is in 2096: expired only on a clock past it
    expect(message(CLAIMS, CLAIMS.exp! * 1000 + 1).message).toContain('the token has expired');
    expect(message(CLAIMS, CLAIMS.exp! * 1000 - 1).message).not.toContain('expired');
    // a token of 2001 read on a clock of 2000 has not expired yet
    const old = { ...CLAIMS, exp: 1_000_000_000 };
    expect(message(old, old.exp * 1000 - 1).message).not.toContain('expired');
    expect(message(old, old.exp * 1000 - 1).code).toBe('OIDC_TOKEN_REJECTED');
  });

  it('a registry without the exchange: AUTH_MISSING says so (never the hostname); with a token, OIDC_NOT_SUPPORTED warning', () => {
    const o = { a: { kind: 'not-implemented', status: 404 } as const };
    const none = planAuth(facts({ registry: 'http://verdaccio.local/' }, o));
    expect(none.environment.map((p) => p.code)).toEqual(['AUTH_MISSING']);
    expect(none.environment[0]!.message).toContain('does not implement npm trusted publishing');
    expect(none.environment[0]!.message).not.toContain('only registry.npmjs.org');
    expect(env(facts({ staticToken: { kind: 'token', where: '.npmrc' } }, o))).toEqual([
      'OIDC_NOT_SUPPORTED:warning',
    ]);
  });

  it('no id token: AUTH_MISSING with the reason (auto), OIDC_UNAVAILABLE (--auth oidc); a stored token is enough in auto', () => {
    const id: IdTokenResult = {
      kind: 'unavailable',
      code: 'OIDC_UNAVAILABLE',
      reason: 'this GitLab CI job has no NPM_ID_TOKEN',
      hint: 'h',
    };
    const f = facts({ idToken: id });
    expect(env(f)).toEqual(['AUTH_MISSING:error']);
    expect(planAuth(f).environment[0]!.message).toContain('NPM_ID_TOKEN');
    expect(env(facts({ idToken: id, mode: 'oidc' }))).toEqual(['OIDC_UNAVAILABLE:error']);
    expect(env(facts({ idToken: id, staticToken: { kind: 'token', where: '.npmrc' } }))).toEqual([]);
    const bad: IdTokenResult = { kind: 'invalid', reason: 'not a JWT', hint: 'h' };
    expect(env(facts({ idToken: bad, staticToken: { kind: 'token', where: '.npmrc' } }))).toEqual([
      'OIDC_ID_TOKEN_INVALID:warning',
    ]);
  });

  it('--auth token never uses the exchange; without a token it is AUTH_MISSING', () => {
    expect(
      pkgs(facts({ mode: 'token', idToken: null, staticToken: { kind: 'token', where: '.npmrc' } })),
    ).toEqual({ a: ['token'], b: ['token'] });
    expect(env(facts({ mode: 'token', idToken: null }))).toEqual(['AUTH_MISSING:error']);
  });

  it('reusable workflow, private repository, enterprise issuer: warnings from the claims', () => {
    const claims = {
      ...CLAIMS,
      jobWorkflowRef: 'acme/shared/.github/workflows/publish.yml@v1',
      visibility: 'private',
      iss: 'https://token.actions.githubusercontent.com/acme',
    };
    expect(env(facts({ idToken: { ...ID, claims } }))).toEqual([
      'REUSABLE_WORKFLOW:warning',
      'PRIVATE_REPOSITORY:warning',
      'OIDC_UNAVAILABLE:warning',
    ]);
  });

  it('yarn and pnpm over an old npm are brokered; changesets over an old npm cannot be', () => {
    expect(planAuth(facts({ publisher: { name: 'yarn', version: '4.18.1' } })).broker).toBe(true);
    expect(
      planAuth(facts({ publisher: { name: 'pnpm', version: '9.15.9' }, npmVersion: '10.9.2' })).broker,
    ).toBe(true);
    const cs = facts({
      publisher: { name: 'changesets', version: '2.31.1', delegate: { name: 'npm', version: null } },
      npmVersion: '10.9.2',
    });
    expect(pkgs(cs).a).toEqual([null, 'OIDC_UNAVAILABLE:error']);
    const yarnToken = facts({
      publisher: { name: 'yarn', version: '4.18.1' },
      staticToken: { kind: 'token', where: '.yarnrc.yml' },
    });
    expect(env(yarnToken)).toEqual(['STATIC_TOKEN_FALLBACK:warning']);
  });

  it("setup-node's placeholder and an unresolved ${VAR}: PLACEHOLDER_TOKEN, a warning when every package goes through OIDC", () => {
    expect(env(facts({ staticToken: { kind: 'placeholder', where: '.npmrc' } }))).toEqual([
      'PLACEHOLDER_TOKEN:warning',
    ]);
    const broken = facts(
      { staticToken: { kind: 'unresolved', variable: 'NODE_AUTH_TOKEN', where: '.npmrc' } },
      { a: NOT_FOUND },
    );
    expect(env(broken)).toEqual(['PLACEHOLDER_TOKEN:error']);
  });

  it('trustCommand: GitHub with environment, GitLab project', () => {
    expect(trustCommand('@s/a', { ...CLAIMS, environment: 'npm' })).toBe(
      'npm trust github @s/a --repo acme/widgets --file release.yml --env npm',
    );
    expect(
      trustCommand('a', {
        ...CLAIMS,
        projectPath: 'g/p',
        ciConfigRefUri: 'gitlab.com/g/p//ci/release.yml@refs/heads/main',
      }),
    ).toBe('npm trust gitlab a --project g/p --file ci/release.yml');
  });
});
