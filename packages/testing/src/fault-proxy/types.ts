// What the fault-injecting proxy (fault-proxy.ts) is told and what it reports.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultKind } from './decide.js';

export interface FaultProxyOptions {
  /** Upstream base URL, e.g. the registry's `http://127.0.0.1:<port>/`. Must be loopback. */
  target: string;
  seed: string | number;
  /** Probability that a request gets a fault (latency included). Default 0.2. */
  rate?: number;
  /** Relative weight of each kind; a kind left out (or 0) is never injected. Default: all equal. */
  weights?: Partial<Record<FaultKind, number>>;
  /** Kinds allowed on PUT/POST/DELETE/PATCH. Default WRITE_SAFE_KINDS (no truncated answers). */
  writeKinds?: readonly FaultKind[];
  /** After this many failing faults in a row on one request key, the next passes. Default 2. */
  maxConsecutive?: number;
  /** `Retry-After` seconds on a 429. Default 1. */
  retryAfterSeconds?: number;
  /** Added latency range, ms. Default [200, 1500]. */
  latencyMs?: readonly [number, number];
  /** Requests for which this returns false are never faulted (default: all may be). */
  match?: (method: string, path: string) => boolean;
  /**
   * Deterministic lost answers: the Nth publish (1-based count of PUTs of a package
   * document, `/-/` paths excluded) is stored upstream, then its connection is reset
   * (`reset-after`), whatever the seed and rate. Counted only while injection is enabled.
   */
  resetAfterStorePuts?: readonly number[];
  /** Answers a request itself when it returns true (after fault injection was skipped). */
  intercept?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export interface InjectedFault {
  method: string;
  path: string;
  kind: FaultKind;
}

export interface UpstreamAnswer {
  method: string;
  path: string;
  status: number;
  /** The fault applied to this request (a `reset-after` answer never reached the client). */
  fault: FaultKind | null;
}

export interface FaultStats {
  requests: number;
  /** Requests that got any fault (latency included). */
  faulted: number;
  byKind: Record<FaultKind, number>;
  byMethod: Record<string, { requests: number; faulted: number }>;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  port: number;
  stats(): FaultStats;
  /** Every fault injected, in order. */
  injected(): InjectedFault[];
  /** What the upstream answered to each request forwarded to it, in order (a PUT's 201 = stored). */
  forwarded(): UpstreamAnswer[];
  /** Turns injection on or off (requests are still forwarded). */
  setEnabled(enabled: boolean): void;
  stop(): Promise<void>;
}
