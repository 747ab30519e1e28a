import pLimit from 'p-limit';
import { exchangeIdToken, type ExchangeOutcome } from '../oidc/exchange.js';
import { acquireIdToken, type IdTokenResult } from '../oidc/id-token.js';
import type { AuthMode } from './auth-rules.js';

export interface OidcProbeInput {
  mode: AuthMode;
  registry: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof fetch;
  /** --registry-timeout, per request. */
  timeoutMs: number;
  concurrency: number;
  /** The packages to publish. */
  names: readonly string[];
  /** Those of them the registry does not have (their packument read answered 404). */
  absent?: ReadonlySet<string>;
}

export interface OidcProbe {
  /** null with `--auth token` (nothing asked). */
  idToken: IdTokenResult | null;
  exchanges: Map<string, ExchangeOutcome>;
}

/**
 * Asks the job for its id token and the registry for an exchange per
 * package: the exchange has no side effect and is the only way a CI job can
 * learn whether a trusted publisher matches (SPEC §7). The tokens it mints
 * are dropped (and registered for redaction). The first package goes alone:
 * a registry without the endpoint is then asked once, not once per package.
 * A package the registry does not have cannot have a trusted publisher: when
 * one such package's exchange answers 404, the others not on the registry
 * are not asked again (a new monorepo's first release would ask once per package).
 */
export async function probeOidc(input: OidcProbeInput): Promise<OidcProbe> {
  const exchanges = new Map<string, ExchangeOutcome>();
  if (input.mode === 'token') return { idToken: null, exchanges };
  // Asked even with nothing to publish: whether the job could authenticate is an environment fact.
  const idToken = await acquireIdToken(input);
  if (idToken.kind !== 'token' || input.names.length === 0) return { idToken, exchanges };
  const exchange = (name: string) =>
    exchangeIdToken({
      registry: input.registry,
      name,
      idToken: idToken.token,
      fetch: input.fetch,
      timeoutMs: input.timeoutMs,
    });
  const absent = input.absent ?? new Set<string>();
  const first = input.names.find((name) => absent.has(name)) ?? input.names[0];
  if (first === undefined) return { idToken, exchanges };
  const rest = input.names.filter((name) => name !== first);
  const firstOutcome = await exchange(first);
  exchanges.set(first, firstOutcome);
  if (firstOutcome.kind === 'not-implemented' || firstOutcome.kind === 'unreachable') {
    for (const name of rest) exchanges.set(name, firstOutcome);
    return { idToken, exchanges };
  }
  const known = absent.has(first) && firstOutcome.kind === 'not-found';
  const asked = known ? rest.filter((name) => !absent.has(name)) : rest;
  if (known) for (const name of rest) if (absent.has(name)) exchanges.set(name, firstOutcome);
  const limit = pLimit(Math.max(1, input.concurrency));
  await Promise.all(asked.map((name) => limit(async () => exchanges.set(name, await exchange(name)))));
  return { idToken, exchanges };
}
