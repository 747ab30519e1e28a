import type { NodeState } from './scheduler.js';

// How a scheduler round's ready packages are put into publisher processes (scheduler.ts).

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

/** How many batches a share-out makes, and how many items they take (the rest waits). */
function shareBounds(items: number, slots: number, maxBatch: number): { count: number; take: number } {
  const count = Math.max(0, Math.min(slots, items));
  return { count, take: Math.min(items, count * maxBatch) };
}

/** Splits `items` over up to `slots` batches of at most `maxBatch` each, evenly; the rest waits. */
export function shareOut<T>(items: readonly T[], slots: number, maxBatch: number): T[][] {
  const { count, take } = shareBounds(items.length, slots, maxBatch);
  const batches: T[][] = Array.from({ length: count }, () => []);
  items.slice(0, take).forEach((item, i) => batches[i % count]?.push(item));
  return batches;
}

/** Like shareOut, but each batch takes neighbours (packages declared together tend to depend on each other). */
export function shareOutInBlocks<T>(items: readonly T[], slots: number, maxBatch: number): T[][] {
  const { count, take } = shareBounds(items.length, slots, maxBatch);
  if (count === 0) return [];
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

/**
 * Fewer processes for a short later round of chains: a start-up costs npm about as much CPU
 * as ten packages published inside a running process (1.14 s for one package, 2.0 s for
 * ten, npm 11), and once an earlier round has ended, the verification of its packages holds
 * the other cores. Batches together holding fewer than `min` packages per process are
 * concatenated (each is in dependency order and needs nothing from the others, so the
 * whole is too) into as many processes as they fill; the loopback bench's last six
 * packages went out in one process instead of two, its tail 0.25 s shorter (median of 4).
 */
export function mergeShortChains(batches: string[][], min: number): string[][] {
  const total = batches.reduce((n, b) => n + b.length, 0);
  const count = Math.max(1, Math.floor(total / Math.max(1, min)));
  if (count >= batches.length) return batches;
  const merged: string[][] = Array.from({ length: count }, () => []);
  batches.forEach((batch, i) => merged[i % count]?.push(...batch));
  return merged;
}
