import type { ExchangeOutcome } from '../oidc/exchange.js';
import type { IdTokenResult } from '../oidc/id-token.js';
import { isReusableWorkflow, type IdTokenClaims } from '../oidc/jwt.js';
import { publisherOidc } from '../oidc/publisher-oidc.js';
import { problem, type Problem, type Severity } from '../problems.js';
import type { PublisherVersion } from '../publish/switches.js';
import type { AuthPath } from '../report/types.js';
import { exchangeFailure, firstPublishHint, presentedClaims, trustHint } from './auth-messages.js';
import type { StaticToken } from './static-token.js';

/** `--auth`: `oidc` blocks what cannot publish through OIDC; `token` never exchanges. */
export type AuthMode = 'auto' | 'oidc' | 'token';
export const AUTH_MODES: readonly AuthMode[] = ['auto', 'oidc', 'token'];

export interface AuthFacts {
  mode: AuthMode;
  publisher: PublisherVersion | null;
  npmVersion: string | null;
  registry: string;
  staticToken: StaticToken;
  /** null when no id token was asked for (`--auth token`). */
  idToken: IdTokenResult | null;
  /** By package name; absent for a package not exchanged. */
  exchanges: ReadonlyMap<string, ExchangeOutcome>;
  /** Packages to publish; `exists`: has versions on the registry (null: unknown). */
  packages: readonly { name: string; exists: boolean | null }[];
  /** When the exchanges were answered (ms since the epoch), from the check's clock. */
  now: number;
}

export interface AuthPlan {
  environment: Problem[];
  packages: Map<string, { auth: AuthPath | null; problems: Problem[] }>;
  /** Provenant exchanges per package and hands each publisher process its token. */
  broker: boolean;
}

const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/**
 * Pure: how each package will authenticate, and every reason trusted
 * publishing will not work, from what the job and the registry answered.
 */
export function planAuth(facts: AuthFacts): AuthPlan {
  const env: Problem[] = [];
  const packages = new Map<string, { auth: AuthPath | null; problems: Problem[] }>();
  const hasToken = facts.staticToken.kind === 'token';
  const tokenAuth: AuthPath | null = hasToken ? 'token' : null;
  // An OIDC failure blocks a package unless a stored token will publish it instead (auto only).
  const failSeverity: Severity = facts.mode === 'auto' && hasToken ? 'warning' : 'error';
  const all = (auth: AuthPath | null) => {
    for (const p of facts.packages) packages.set(p.name, { auth, problems: [] });
  };
  const result = (broker = false): AuthPlan => {
    // A placeholder or unresolved `${VAR}` says precisely why AUTH_MISSING (kept: no token is configured).
    return { environment: [...placeholderProblems(facts, packages), ...env], packages, broker };
  };

  if (facts.mode === 'token' || facts.publisher === null || facts.idToken === null) {
    all(tokenAuth);
    if (!hasToken && (facts.mode === 'token' || facts.publisher === null))
      env.push(
        authMissing(
          facts,
          facts.mode === 'token' ? 'with --auth token no OIDC exchange is tried' : 'the publisher is unknown',
        ),
      );
    return result();
  }
  const id = facts.idToken;
  if (id.kind !== 'token') {
    all(tokenAuth);
    const code = id.kind === 'invalid' ? 'OIDC_ID_TOKEN_INVALID' : id.code;
    // ID_TOKEN_PERMISSION_MISSING is already an environment error of its own (Sigstore needs it too).
    if (code !== 'ID_TOKEN_PERMISSION_MISSING' && (facts.mode === 'oidc' || id.kind === 'invalid')) {
      env.push(
        problem(
          code,
          facts.mode === 'oidc' ? 'error' : 'warning',
          `Trusted publishing cannot work: ${id.reason}.`,
          id.hint,
        ),
      );
    }
    if (!hasToken && facts.mode === 'auto') env.push(authMissing(facts, id.reason));
    return result();
  }

  env.push(...claimWarnings(id.claims));
  const ability = publisherOidc(facts.publisher, facts.npmVersion, hasToken);
  const outcomes = [...facts.exchanges.values()];
  const unsupported = outcomes.find((o) => o.kind === 'not-implemented');
  if (unsupported) {
    all(tokenAuth);
    const message = `${facts.registry} does not implement npm trusted publishing: its token exchange answered HTTP ${unsupported.status} without npm's "OIDC token exchange error", for every package alike.`;
    if (hasToken || facts.mode === 'oidc')
      env.push(
        problem(
          'OIDC_NOT_SUPPORTED',
          failSeverity,
          message,
          'Publish with a stored token for this registry (--auth token), or publish to a registry that supports trusted publishing.',
        ),
      );
    else env.push(authMissing(facts, message));
    return result();
  }

  let oidcCount = 0;
  for (const pkg of facts.packages) {
    const outcome = facts.exchanges.get(pkg.name);
    const problems: Problem[] = [];
    let auth: AuthPath | null = tokenAuth;
    if (outcome?.kind === 'ok') {
      if (!ability.native && !ability.brokerable) {
        problems.push(
          problem(
            'OIDC_UNAVAILABLE',
            failSeverity,
            `Trusted publishing is configured for ${pkg.name}, but ${ability.why ?? 'the publisher cannot use it'}, and ${facts.publisher.name} runs every package in one process, so Provenant cannot hand each its own token.`,
            'Install npm 11.5.1 or later in the job (`npm install -g npm@latest`), or release with --publisher npm.',
          ),
        );
      } else {
        auth = 'oidc';
        oidcCount++;
        if (outcome.expires === null)
          problems.push(
            problem(
              'OIDC_TOKEN_NO_EXPIRY',
              'warning',
              `The registry's exchanged token for ${pkg.name} carries no expiry: it may not be the short-lived token npm's registry issues.`,
              "Check the registry's trusted-publishing implementation; the token is used for this package only and never written down.",
            ),
          );
      }
    } else if (outcome?.kind === 'not-found' && pkg.exists === false) {
      // With a stored token (auto) this first version is the bootstrap itself: nothing to fix yet.
      if (!(hasToken && facts.mode === 'auto')) {
        problems.push(
          problem(
            'FIRST_PUBLISH_NEEDS_TOKEN',
            'error',
            `${pkg.name} is not on the registry yet: a new package cannot be created through trusted publishing.`,
            firstPublishHint(pkg.name, id.claims),
          ),
        );
      }
    } else if (outcome?.kind === 'not-found') {
      problems.push(
        problem(
          'TRUSTED_PUBLISHER_MISMATCH',
          failSeverity,
          `The registry has no trusted publisher for ${pkg.name} that matches this job (the exchange answered 404). Presented: ${presentedClaims(id.claims)}.`,
          trustHint(pkg.name, id.claims),
        ),
      );
    } else if (outcome !== undefined && outcome.kind !== 'not-implemented') {
      problems.push(exchangeFailure(pkg.name, outcome, id.claims, failSeverity, facts.now));
    }
    packages.set(pkg.name, { auth, problems });
  }

  if (oidcCount > 0 && hasToken) {
    const yarn = facts.publisher.name === 'yarn';
    env.push(
      problem(
        'STATIC_TOKEN_FALLBACK',
        'warning',
        yarn
          ? `A stored npmAuthToken (${where(facts.staticToken)}) always wins over OIDC in yarn; Provenant hands each yarn publish its own exchanged token instead.`
          : `A stored token (${where(facts.staticToken)}) is configured: if an exchange fails at publish time, ${facts.publisher.name} publishes with it silently (release then reports TRUSTED_PUBLISHING_BYPASSED).`,
        'Remove the stored token from the publishing job once every package publishes through trusted publishing.',
      ),
    );
  }
  return result(oidcCount > 0 && !ability.native && ability.brokerable);
}

function where(token: StaticToken): string {
  return token.kind === 'none' ? 'none' : token.where;
}

function claimWarnings(claims: IdTokenClaims): Problem[] {
  const out: Problem[] = [];
  if (isReusableWorkflow(claims)) {
    out.push(
      problem(
        'REUSABLE_WORKFLOW',
        'warning',
        `This job runs a reusable workflow (${claims.jobWorkflowRef}); npm matches the trusted publisher against the calling workflow (${claims.workflowRef}).`,
        "Configure the trusted publisher on npmjs.com with the caller's workflow file, not the reusable one.",
      ),
    );
  }
  if (claims.visibility !== null && claims.visibility !== 'public') {
    out.push(
      problem(
        'PRIVATE_REPOSITORY',
        'warning',
        `The repository is ${claims.visibility}: npm does not turn provenance on by itself for it, and refuses provenance from private repositories.`,
        'Publish from a public repository for provenance (Provenant turns it on explicitly).',
      ),
    );
  }
  if (
    claims.iss !== null &&
    claims.repository !== null &&
    claims.iss.replace(/\/+$/, '') !== GITHUB_ISSUER &&
    claims.iss.startsWith(GITHUB_ISSUER)
  ) {
    out.push(
      problem(
        'OIDC_UNAVAILABLE',
        'warning',
        `The id token comes from an enterprise-scoped issuer (${claims.iss}); npm accepts only ${GITHUB_ISSUER} and answers 401.`,
        "Turn off the enterprise's custom OIDC issuer for this repository, or publish with a stored token (--auth token).",
      ),
    );
  }
  return out;
}

function authMissing(facts: AuthFacts, why: string): Problem {
  const yarn = facts.publisher?.name === 'yarn';
  const host = new URL(facts.registry).host;
  return problem(
    'AUTH_MISSING',
    'error',
    `No token is configured for ${facts.registry}, and trusted publishing cannot apply: ${why.replace(/\.$/, '')}.`,
    yarn
      ? 'Add `npmAuthToken: "${NPM_TOKEN}"` to .yarnrc.yml (or YARN_NPM_AUTH_TOKEN), or configure trusted publishing and run from a CI job with an id token.'
      : `Configure trusted publishing for each package and run from a CI job with an id token (GitHub: \`id-token: write\`), or add \`//${host}/:_authToken=\${NODE_AUTH_TOKEN}\` to .npmrc with NODE_AUTH_TOKEN from a secret.`,
  );
}

function placeholderProblems(facts: AuthFacts, packages: AuthPlan['packages']): Problem[] {
  const t = facts.staticToken;
  if (t.kind !== 'placeholder' && t.kind !== 'unresolved') return [];
  const needed = facts.packages.some((p) => packages.get(p.name)?.auth !== 'oidc');
  const what =
    t.kind === 'placeholder'
      ? `actions/setup-node's placeholder token XXXXX-XXXXX-XXXXX-XXXXX (${t.where}): no NODE_AUTH_TOKEN was given`
      : `\${${t.variable}} (${t.where}), and ${t.variable} is not set`;
  return [
    problem(
      'PLACEHOLDER_TOKEN',
      needed ? 'error' : 'warning',
      `The registry token is ${what}; it is not a credential.`,
      needed
        ? 'Configure trusted publishing for the packages (no token needed), or pass the token: env: NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}'
        : 'Every package publishes through trusted publishing; drop registry-url from setup-node (or the token line) to leave nothing to fall back to.',
    ),
  ];
}
