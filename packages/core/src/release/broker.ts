import { exchangeIdToken, type ExchangeOutcome } from '../oidc/exchange.js';
import { acquireIdToken } from '../oidc/id-token.js';
import type { PublisherName } from '../report/types.js';
import type { PublishTarget } from '../publish/types.js';

/** What the broker gives one publisher process: extra environment, or why it could not. */
export type BrokeredAuth =
  { ok: true; env: Record<string, string> } | { ok: false; message: string; transient: boolean };

export interface BrokerOptions {
  publisher: PublisherName;
  registry: string;
  /** Packages Provenant exchanges for (check found their trusted publisher). */
  names: ReadonlySet<string>;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  timeoutMs: number;
  /** The release's clock: when the id token is about to expire. */
  now: () => number;
}

export interface Broker {
  /** The environment that authenticates this publisher process for its one package. */
  authFor(targets: readonly PublishTarget[]): Promise<BrokeredAuth>;
}

/**
 * The environment variable that carries a registry token to one publisher
 * process, above every config file (so a stored token in the repository's
 * .npmrc or .yarnrc.yml cannot win): npm reads `npm_config_//host/path/:_authToken`
 * (pnpm ≤ 10 hands it to the npm it runs); yarn reads YARN_NPM_AUTH_TOKEN.
 * Nothing is written to a file, and the journal never sees it.
 */
export function tokenEnv(publisher: PublisherName, registry: string, token: string): Record<string, string> {
  if (publisher === 'yarn') return { YARN_NPM_AUTH_TOKEN: token };
  const url = new URL(registry);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { [`npm_config_//${url.host}${path}:_authToken`]: token };
}

/**
 * Provenant's trusted-publishing broker, for publishers that cannot do the
 * exchange themselves (SPEC §7): right before each package's publisher
 * process it exchanges the job's id token for that package's short-lived
 * token. The id token is asked for again when it is about to expire.
 */
export function createBroker(options: BrokerOptions): Broker {
  let idToken: Promise<{ token: string; exp: number | null } | string> | null = null;
  const currentIdToken = () => {
    idToken ??= acquireIdToken(options).then((r) =>
      r.kind === 'token' ? { token: r.token, exp: r.claims.exp } : r.reason,
    );
    return idToken;
  };
  return {
    async authFor(targets) {
      const [target] = targets;
      if (targets.length !== 1 || !target) {
        return {
          ok: false,
          message: 'a brokered OIDC token serves one package per publisher process',
          transient: false,
        };
      }
      if (!options.names.has(target.name)) return { ok: true, env: {} };
      let id = await currentIdToken();
      if (typeof id !== 'string' && id.exp !== null && id.exp * 1000 < options.now() + 60_000) {
        idToken = null;
        id = await currentIdToken();
      }
      if (typeof id === 'string') return { ok: false, message: `no OIDC id token: ${id}`, transient: false };
      const outcome = await exchangeIdToken({
        registry: options.registry,
        name: target.name,
        idToken: id.token,
        fetch: options.fetch,
        timeoutMs: options.timeoutMs,
        retries: 1,
      });
      if (outcome.kind === 'ok')
        return { ok: true, env: tokenEnv(options.publisher, options.registry, outcome.token) };
      return {
        ok: false,
        message: `trusted publishing token exchange failed: ${describe(outcome)}`,
        transient: outcome.kind === 'unreachable',
      };
    },
  };
}

function describe(outcome: Exclude<ExchangeOutcome, { kind: 'ok' }>): string {
  switch (outcome.kind) {
    case 'not-found':
    case 'unauthorized':
    case 'bad-request':
      return outcome.message;
    case 'not-implemented':
      return `the registry has no exchange endpoint (HTTP ${outcome.status})`;
    case 'bad-response':
    case 'unreachable':
      return outcome.why;
  }
}
