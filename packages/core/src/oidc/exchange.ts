import { messageOf } from '../errors.js';
import { redact, registerSecret } from '../redact.js';
import { escapePackageName, normalizeRegistryUrl } from '../registry/client.js';
import { isRetryableStatus } from '../registry/http-retry.js';

/** What the registry's token exchange answered for one package (SPEC §7). */
export type ExchangeOutcome =
  /** 201: a short-lived token for this package only. */
  | { kind: 'ok'; token: string; expires: string | null }
  /** 404 in npm's words: the package does not exist, or no trusted publisher matches. */
  | { kind: 'not-found'; message: string }
  /** 401: wrong issuer or audience, or an expired id token. */
  | { kind: 'unauthorized'; message: string }
  /** 400: the registry could not read the id token. */
  | { kind: 'bad-request'; message: string }
  /** The registry has no exchange endpoint (a plain 404, 405, 501). */
  | { kind: 'not-implemented'; status: number }
  /** HTML, 5xx, a 201 without a token: nothing usable. */
  | { kind: 'bad-response'; status: number | null; why: string }
  | { kind: 'unreachable'; why: string };

export interface ExchangeRequest {
  registry: string;
  name: string;
  idToken: string;
  fetch: typeof fetch;
  /** --registry-timeout, per attempt. */
  timeoutMs: number;
  /** Retries on 5xx and network errors (check: 0; release: 1). Never on 4xx. */
  retries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** The exchange URL, under the registry's own path (Artifactory-style prefixes kept). */
export function exchangeUrl(registry: string, name: string): string {
  return `${normalizeRegistryUrl(registry)}-/npm/v1/oidc/token/exchange/package/${escapePackageName(name)}`;
}

/** npm's exchange errors all read `OIDC token exchange error - …`; a bare 404 is another server. */
const NPM_EXCHANGE_ERROR = /OIDC token exchange error/i;

/**
 * POSTs the id token to the exchange, bounded by `timeoutMs` per attempt.
 * Never throws; every token it sees is registered for redaction.
 */
export async function exchangeIdToken(request: ExchangeRequest): Promise<ExchangeOutcome> {
  registerSecret(request.idToken);
  const retries = Math.max(0, request.retries ?? 0);
  for (let attempt = 0; ; attempt++) {
    const outcome = await exchangeOnce(request);
    const transient =
      outcome.kind === 'unreachable' ||
      (outcome.kind === 'bad-response' && outcome.status !== null && isRetryableStatus(outcome.status));
    if (!transient || attempt >= retries) return outcome;
    await (request.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))))(500 * 2 ** attempt);
  }
}

async function exchangeOnce(request: ExchangeRequest): Promise<ExchangeOutcome> {
  let status: number;
  let text: string;
  let type: string;
  try {
    const res = await request.fetch(exchangeUrl(request.registry, request.name), {
      method: 'POST',
      headers: {
        accept: 'application/json',
        authorization: `Bearer ${request.idToken}`,
        'user-agent': 'provenant/0.1.0',
      },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = res.status;
    type = res.headers.get('content-type') ?? 'no content type';
    text = await res.text();
  } catch (error) {
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `no answer within ${request.timeoutMs} ms`
        : describeNetworkError(error);
    return { kind: 'unreachable', why: redact(why) };
  }
  const json = parseJson(text);
  const message = typeof json?.message === 'string' ? redact(json.message) : null;
  if (status === 201 || status === 200) {
    const token = typeof json?.token === 'string' && json.token !== '' ? json.token : null;
    if (token === null) {
      return {
        kind: 'bad-response',
        status,
        why:
          json === null
            ? `the answer is not JSON (${type}, ${text.length} bytes)`
            : 'the answer has no token',
      };
    }
    registerSecret(token);
    const expires =
      typeof json?.expires === 'string' && !Number.isNaN(Date.parse(json.expires)) ? json.expires : null;
    return { kind: 'ok', token, expires };
  }
  if (status === 404) {
    return message !== null && NPM_EXCHANGE_ERROR.test(message)
      ? { kind: 'not-found', message }
      : { kind: 'not-implemented', status };
  }
  if (status === 405 || status === 501) return { kind: 'not-implemented', status };
  if (status === 401 && message !== null) return { kind: 'unauthorized', message };
  if (status === 400 && message !== null) return { kind: 'bad-request', message };
  const why =
    json === null
      ? `HTTP ${status}, the answer is not JSON (${type}, ${text.length} bytes)`
      : `HTTP ${status}${message ? `: ${message}` : ''}`;
  return { kind: 'bad-response', status, why };
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } } | null)?.cause;
  return cause?.code ?? messageOf(error);
}
