import type { GlobalBackoff } from './global-backoff.js';
import { fixedInFlight, type InFlightLimit } from './in-flight.js';

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
        const batches = chained
          ? extendChains(shareOutInBlocks(candidates, free, Math.min(cap, fair)), waiting, deps, state, cap)
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

/**
 * How many levels of the run wait on each package: 0 for one nothing in the run
 * depends on, else one more than its highest dependent (the critical path first).
 */
export function heightsOf(
  names: Iterable<string>,
  dependents: ReadonlyMap<string, readonly string[]>,
): Map<string, number> {
  const height = new Map<string, number>();
  const visit = (name: string, path: Set<string>): number => {
    const known = height.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) return 0; // a cycle: blocked anyway
    path.add(name);
    const h = Math.max(-1, ...(dependents.get(name) ?? []).map((d) => visit(d, path))) + 1;
    path.delete(name);
    height.set(name, h);
    return h;
  };
  for (const name of names) visit(name, new Set());
  return height;
}

/**
 * An adaptive limit's processes, critical path first. More ready than free slots:
 * the surplus rides along in the started processes (up to `cap` each) instead of
 * waiting a whole publish cycle for a slot. Else a package others wait on goes
 * alone, its completion seen as soon as its process ends, and packages nothing
 * waits on share processes up to `cap` (two while the CPU cannot take more start-ups).
 */
export function adaptiveBatches(
  candidates: readonly string[],
  free: number,
  cap: number,
  height: ReadonlyMap<string, number>,
): string[][] {
  const ordered = [...candidates].sort((a, b) => (height.get(b) ?? 0) - (height.get(a) ?? 0));
  if (ordered.length > free) return shareOut(ordered, free, cap);
  const batches = ordered.filter((n) => (height.get(n) ?? 0) > 0).map((n) => [n]);
  const leaves = ordered.filter((n) => (height.get(n) ?? 0) === 0);
  for (let i = 0; i < leaves.length; i += cap) batches.push(leaves.slice(i, i + cap));
  return batches;
}

/**
 * Appends to a batch a waiting package that depends on the batch's last member and
 * on nothing else unpublished outside the batch, then again from that one: a
 * line a → b → c. Each waits only for its own dependency before it in the
 * process, not for an unrelated member (a remote publish waits seconds).
 */
export function extendLinear(
  batches: string[][],
  waiting: ReadonlySet<string>,
  deps: ReadonlyMap<string, readonly string[]>,
  state: ReadonlyMap<string, NodeState>,
  cap: number,
): string[][] {
  return extendChains(batches, waiting, deps, state, cap, { line: true });
}

/** Splits `items` over up to `slots` batches of at most `maxBatch` each, evenly; the rest waits. */
export function shareOut<T>(items: readonly T[], slots: number, maxBatch: number): T[][] {
  const count = Math.min(slots, items.length);
  if (count <= 0) return [];
  const batches: T[][] = Array.from({ length: count }, () => []);
  const take = Math.min(items.length, count * maxBatch);
  items.slice(0, take).forEach((item, i) => batches[i % count]?.push(item));
  return batches;
}

/** Like shareOut, but each batch takes neighbours (packages declared together tend to depend on each other). */
export function shareOutInBlocks<T>(items: readonly T[], slots: number, maxBatch: number): T[][] {
  const count = Math.min(slots, items.length);
  if (count <= 0) return [];
  const take = Math.min(items.length, count * maxBatch);
  const size = Math.ceil(take / count);
  const batches: T[][] = [];
  for (let i = 0; i < take; i += size) batches.push(items.slice(i, Math.min(take, i + size)));
  return batches;
}

/**
 * Appends to each batch the waiting packages whose unpublished dependencies are
 * all in that batch (before them), up to `cap` per batch; repeated until
 * nothing more fits, so a chain can reach several levels down. `line`: only a
 * package that also depends on the batch's last member (see extendLinear).
 */
export function extendChains(
  batches: string[][],
  waiting: ReadonlySet<string>,
  deps: ReadonlyMap<string, readonly string[]>,
  state: ReadonlyMap<string, NodeState>,
  cap: number,
  options: { line?: boolean } = {},
): string[][] {
  const home = new Map<string, number>();
  batches.forEach((batch, i) => batch.forEach((name) => home.set(name, i)));
  for (let grew = true; grew;) {
    grew = false;
    for (const name of waiting) {
      if (home.has(name)) continue;
      let only: number | undefined;
      let fits = true;
      for (const d of deps.get(name) ?? []) {
        if (state.get(d) === 'done') continue;
        const b = home.get(d);
        if (b === undefined || (only !== undefined && only !== b)) {
          fits = false;
          break;
        }
        only = b;
      }
      const batch = only === undefined ? undefined : batches[only];
      if (!fits || only === undefined || !batch || batch.length >= cap) continue;
      if (options.line === true && !(deps.get(name) ?? []).includes(batch.at(-1) ?? '')) continue;
      batch.push(name);
      home.set(name, only);
      grew = true;
    }
  }
  return batches;
}
