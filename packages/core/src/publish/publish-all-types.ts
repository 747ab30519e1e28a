import type { ExecFn } from '../context.js';
import type { Problem } from '../problems.js';
import type { Packument } from '../registry/packument.js';
import type { InFlightLimit } from './in-flight.js';
import type { Invocation, PublishCommandOptions, PublisherAdapter, PublishTarget } from './types.js';

/** What publishAll takes, reports as it goes, and gives back. */
export interface PlannedTarget extends PublishTarget {
  /** Workspace packages it needs published first. */
  deps: readonly string[];
  /** Dist-tag for this package. */
  tag: string | undefined;
}

export type PublishState = 'published' | 'already-published' | 'failed' | 'blocked' | 'cancelled';

export interface PublishRecord {
  name: string;
  state: PublishState;
  problems: Problem[];
  attempts: number;
  durationMs: number;
  /** Integrity of what was packed (and, after publishing, of what the registry holds). */
  integrity: string | null;
}

export type PublishEvent =
  | { type: 'publishing'; names: string[]; invocation: Invocation; attempt: number }
  | { type: 'retrying'; name: string; attempt: number; delayMs: number; reason: string }
  | { type: 'done'; record: PublishRecord };

export interface PublishAllInput {
  adapter: PublisherAdapter;
  targets: readonly PlannedTarget[];
  /** Everything but the per-package dist-tag. */
  command: Omit<PublishCommandOptions, 'tag'>;
  /**
   * Tarball integrity from packing each target independently of the
   * publisher (a promise: packing may run alongside the first publishes; a
   * function: packing runs only when an answer has to be settled).
   */
  packed:
    | ReadonlyMap<string, string>
    | Promise<ReadonlyMap<string, string>>
    | (() => Promise<ReadonlyMap<string, string>>);
  /** Publishes in flight: exactly this many, or a limit that adapts (in-flight.ts). */
  concurrency: number | InFlightLimit;
  retries: number;
  exec: ExecFn;
  /** The whole environment of child processes. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads the registry (null on 404) to settle "already published" and confirm uploads. */
  getPackument: (name: string) => Promise<Packument | null>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  signal?: AbortSignal;
  onEvent?: (event: PublishEvent) => void;
  /**
   * Every target was seen absent from the registry just before (by check). The same bytes
   * turning up during the run are then our own upload whose answer was lost: publishers
   * retry a PUT themselves (npm does on 5xx/resets), and the retry meets the stored version.
   */
  absentBeforehand?: boolean;
  /**
   * Extra environment for one publisher process (the trusted-publishing broker's token for its
   * package). Never part of the invocation that events and --dry-run print.
   */
  authEnv?: (
    targets: readonly PlannedTarget[],
  ) => Promise<
    { ok: true; env: Record<string, string> } | { ok: false; message: string; transient: boolean }
  >;
  /** Backoff between publish retries; defaults 1 s doubling to 30 s (Retry-After wins). */
  backoff?: { minDelayMs: number; maxDelayMs: number };
}
