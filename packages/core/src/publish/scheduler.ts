import type { GlobalBackoff } from './global-backoff.js';
import {
  adaptiveBatches,
  extendChains,
  extendLinear,
  heightsOf,
  mergeShortChains,
  shareOut,
  shareOutInBlocks,
} from './batches.js';
import { fixedInFlight, type InFlightLimit } from './in-flight.js';

/** Packages per process below which a later round of chains is merged (see mergeShortChains). */
const CHAIN_MIN = 8;

/**
 * Publishes a dependency graph: a package starts once every workspace
 * dependency it has in the graph is published (its own, not its whole
 * level); at most the in-flight limit of publisher processes run at once; a
 * failure blocks its dependents (and theirs) while every independent package
 * still goes out; while a global backoff is in force nothing new starts.
 *
 * Where the publisher takes several packages per process, the packages that
 * are ready together are shared out over the free slots, so Node start-up is
 * paid per process, not per package: a low limit (a saturated CPU) gives
 * bigger batches, a high one (publishes waiting on the network) smaller ones.
 */
export interface ScheduleNode {
  name: string;
  /** Names of graph members this one depends on; others are ignored. */
  deps: readonly string[];
}

export type NodeState = 'done' | 'failed' | 'blocked' | 'cancelled';

export interface ScheduleOptions {
  /** A fixed number of processes at once, or a limit that adapts (ticked every `tickMs`). */
  concurrency: number | InFlightLimit;
  /** How often an adaptive limit is sampled; default 500 ms. */
  tickMs?: number;
  /** Holds back new publishes while a rate limit's pause is in force. */
  backoff?: GlobalBackoff;
  batching: 'per-package' | 'batch' | 'whole';
  /** Most packages in one process (batch mode). */
  maxBatchSize?: number;
  /**
   * A process publishes its packages in the order given and stops at the first
   * failure (npm `-w a -w b`): a batch may then also carry packages whose
   * dependencies come earlier in that same batch (a chain), so a CPU-bound
   * run pays one start-up for a whole chain instead of one per level.
   */
  chains?: boolean;
  /**
   * With chains: the run reports each package as the registry accepts it (`early`),
   * so a package appended after its own dependencies loses no time (it waits for
   * them either way, and then skips a start-up): an adaptive limit chains too.
   */
  acceptsEarly?: boolean;
  /**
   * Runs one process for these names; true = published (or already there).
   * `early(name)`: the registry accepted that one while the process goes on, so
   * its dependents may start now.
   */
  run: (names: string[], early: (name: string) => void) => Promise<Map<string, boolean>>;
  /** Called when a package will not be published because `blockedBy` failed. */
  onBlocked?: (name: string, blockedBy: string) => void;
  signal?: AbortSignal;
}

export async function publishInOrder(
  nodes: readonly ScheduleNode[],
  options: ScheduleOptions,
): Promise<Map<string, NodeState>> {
  const state = new Map<string, NodeState>();
  const names = new Set(nodes.map((n) => n.name));
  const deps = new Map(nodes.map((n) => [n.name, n.deps.filter((d) => names.has(d) && d !== n.name)]));
  const dependents = new Map<string, string[]>();
  for (const [name, ds] of deps) for (const d of ds) dependents.set(d, [...(dependents.get(d) ?? []), name]);

  if (options.batching === 'whole') {
    const results = await options.run([...names], () => undefined);
    for (const name of names) state.set(name, results.get(name) === true ? 'done' : 'failed');
    return state;
  }

  const height = heightsOf(names, dependents);
  const waiting = new Set(names);
  const limit =
    typeof options.concurrency === 'number' ? fixedInFlight(options.concurrency) : options.concurrency;
  const maxBatch = options.batching === 'batch' ? Math.max(1, options.maxBatchSize ?? 32) : 1;
  let running = 0;

  const chainsAfter = (batches: string[][]) =>
    options.chains === true && options.acceptsEarly === true
      ? extendLinear(batches, waiting, deps, state, maxBatch)
      : batches;

  const block = (failed: string) => {
    const stack = [...(dependents.get(failed) ?? [])];
    while (stack.length > 0) {
      const name = stack.pop() as string;
      if (!waiting.has(name)) continue;
      waiting.delete(name);
      state.set(name, 'blocked');
      options.onBlocked?.(name, failed);
      stack.push(...(dependents.get(name) ?? []));
    }
  };

  const ready = () =>
    [...waiting].filter((name) => (deps.get(name) ?? []).every((d) => state.get(d) === 'done'));

  let pauseTimer: ReturnType<typeof setTimeout> | null = null;
  let ticker: ReturnType<typeof setInterval> | null = null;
  await new Promise<void>((resolveAll) => {
    const pump = () => {
      if (options.signal?.aborted) {
        for (const name of waiting) state.set(name, 'cancelled');
        waiting.clear();
      }
      const pausedMs = options.backoff?.remainingMs() ?? 0;
      if (pausedMs > 0 && waiting.size > 0) {
        pauseTimer ??= setTimeout(() => {
          pauseTimer = null;
          pump();
        }, pausedMs);
      }
      const slots = limit.limit();
      const free = pausedMs > 0 ? 0 : slots - running;
      const candidates = free > 0 ? ready() : [];
      if (candidates.length > 0) {
        // A slot that frees up alone takes its fair share, not everything:
        // the other slots will free up soon and take the rest in parallel.
        const fair = Math.max(1, Math.ceil(candidates.length / slots));
        const cap = Math.min(maxBatch, limit.batchCap(candidates.length > free));
        const chained = options.chains === true && limit.chains && cap > 1;
        const chainedBatches = () => {
          const shared = extendChains(
            shareOutInBlocks(candidates, free, Math.min(cap, fair)),
            waiting,
            deps,
            state,
            cap,
          );
          // a later round (an earlier one ended: its verification runs) pays few start-ups
          return state.size === 0
            ? shared
            : extendChains(mergeShortChains(shared, CHAIN_MIN), waiting, deps, state, cap);
        };
        const batches = chained
          ? chainedBatches()
          : limit.adaptive
            ? chainsAfter(adaptiveBatches(candidates, free, cap, height))
            : shareOut(candidates, free, Math.min(cap, fair));
        for (const name of batches.flat()) waiting.delete(name);
        for (const batch of batches) {
          running += 1;
          limit.started?.();
          const early = (name: string) => {
            if (!batch.includes(name) || state.has(name)) return;
            state.set(name, 'done');
            // never inside this loop: its batches are not all counted as running yet
            queueMicrotask(pump);
          };
          void options
            .run(batch, early)
            .catch(() => new Map<string, boolean>())
            .then((results) => {
              running -= 1;
              limit.finished?.();
              for (const name of batch) {
                // One accepted early that settles as failed (the registry's copy is not what was
                // packed) blocks only the dependents not started yet: the started ones depend on a
                // version the registry holds.
                const ok = results.get(name) === true;
                state.set(name, ok ? 'done' : 'failed');
                // once interrupted, what is left is cancelled, not blocked
                if (!ok && !options.signal?.aborted) block(name);
              }
              pump();
            });
        }
      }
      if (running === 0 && (waiting.size === 0 || ready().length === 0)) {
        // Left waiting with nothing running: a cycle, or deps outside the run.
        for (const name of waiting) state.set(name, 'blocked');
        waiting.clear();
        resolveAll();
      }
    };
    if (limit.adaptive) {
      ticker = setInterval(() => {
        limit.tick(running >= limit.limit() && ready().length > 0);
        pump();
      }, options.tickMs ?? 500);
    }
    pump();
  });
  if (ticker) clearInterval(ticker);
  if (pauseTimer) clearTimeout(pauseTimer);
  return state;
}
