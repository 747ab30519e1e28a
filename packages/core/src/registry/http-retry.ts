/** Retry policy for registry requests: 429, 5xx and network errors, with backoff. */
export interface RetryPolicy {
  retries: number;
  /** First backoff; doubled each attempt, with jitter. */
  minDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, minDelayMs: 200, maxDelayMs: 10_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599);
}

/**
 * How long to wait before attempt `attempt + 1`. `Retry-After` (seconds or
 * an HTTP date) wins over our own backoff, capped at `maxDelayMs`.
 */
export function retryDelayMs(
  policy: RetryPolicy,
  attempt: number,
  retryAfter: string | null,
  now: number,
  random: () => number = Math.random,
): number {
  const fromHeader = parseRetryAfter(retryAfter, now);
  if (fromHeader !== null) return Math.min(fromHeader, policy.maxDelayMs);
  const base = policy.minDelayMs * 2 ** attempt;
  return Math.min(policy.maxDelayMs, Math.round(base / 2 + random() * (base / 2)));
}

export function parseRetryAfter(value: string | null, now: number): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
