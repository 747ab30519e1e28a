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
  const [first, ...rest] = input.names;
  const firstOutcome = await exchange(first!);
  exchanges.set(first!, firstOutcome);
  if (firstOutcome.kind === 'not-implemented' || firstOutcome.kind === 'unreachable') {
    for (const name of rest) exchanges.set(name, firstOutcome);
    return { idToken, exchanges };
  }
  const limit = pLimit(Math.max(1, input.concurrency));
  await Promise.all(rest.map((name) => limit(async () => exchanges.set(name, await exchange(name)))));
  return { idToken, exchanges };
}
