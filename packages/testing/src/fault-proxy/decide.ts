// Which fault a request gets: a pure function of (seed, request key, how many times that
// key was seen), so a run's faults do not depend on how concurrent requests interleave.
import { createHash } from 'node:crypto';

/**
 * - `rate-limit`: 429 with `Retry-After`, nothing forwarded.
 * - `server-error` / `unavailable`: 500 / 503, nothing forwarded.
 * - `reset`: the connection is destroyed before anything is forwarded.
 * - `reset-after`: forwarded; the upstream answered (a PUT is stored); the client's
 *   connection is destroyed instead of answering — "the answer was lost".
 * - `truncate`: forwarded; the headers and part of the body reach the client, then the
 *   connection is destroyed.
 * - `latency`: forwarded after a delay; the answer is intact.
 */
export type FaultKind =
  'rate-limit' | 'server-error' | 'unavailable' | 'reset' | 'reset-after' | 'truncate' | 'latency';

export const FAULT_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'server-error',
  'unavailable',
  'reset',
  'reset-after',
  'truncate',
  'latency',
];

/**
 * Faults a registry really shows on a publish (PUT): refused before storing, or stored
 * with the answer lost. Never a corrupted request body: no registry stores half a
 * tarball, and exactly-once cannot be promised over a channel that rewrites uploads.
 */
export const WRITE_SAFE_KINDS: readonly FaultKind[] = [
  'rate-limit',
  'server-error',
  'unavailable',
  'reset',
  'reset-after',
  'latency',
];

/** Faults that make the request fail (all but latency). */
export function isFailure(kind: FaultKind): boolean {
  return kind !== 'latency';
}

/** A uniform number in [0, 1) from the seed and any labels. */
export function seededUnit(seed: string | number, ...labels: Array<string | number>): number {
  const digest = createHash('sha256')
    .update([String(seed), ...labels.map(String)].join('\u0000'))
    .digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export interface DecideInput {
  seed: string | number;
  /** e.g. `GET /@scope%2fa` */
  key: string;
  /** 0 for the first time this key is seen, 1 for the second... */
  occurrence: number;
  /** Probability that a request gets a fault (any kind, latency included). */
  rate: number;
  /** The kinds allowed for this request, with weights. */
  kinds: ReadonlyArray<readonly [FaultKind, number]>;
}

/** The fault for one request, or null to pass it through untouched. */
export function decideFault(input: DecideInput): FaultKind | null {
  if (input.rate <= 0 || input.kinds.length === 0) return null;
  if (seededUnit(input.seed, 'fault?', input.key, input.occurrence) >= input.rate) return null;
  const total = input.kinds.reduce((sum, [, w]) => sum + w, 0);
  let pick = seededUnit(input.seed, 'kind', input.key, input.occurrence) * total;
  for (const [kind, weight] of input.kinds) {
    if (pick < weight) return kind;
    pick -= weight;
  }
  return input.kinds[input.kinds.length - 1]?.[0] ?? null;
}
