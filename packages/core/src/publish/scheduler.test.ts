import { afterEach, describe, expect, it, vi } from 'vitest';
import { GlobalBackoff } from './global-backoff.js';
import { adaptiveBatches, heightsOf, shareOut } from './batches.js';
import { publishInOrder, type ScheduleNode } from './scheduler.js';
import { wide } from './test-support/graphs.js';

const tick = () => new Promise((r) => setTimeout(r, 1));

function recorder(fail: string[] = []) {
  const calls: string[][] = [];
  let running = 0;
  let maxRunning = 0;
  const run = async (names: string[]) => {
    calls.push(names);
    running++;
    maxRunning = Math.max(maxRunning, running);
    await tick();
    running--;
    return new Map(names.map((n) => [n, !fail.includes(n)]));
  };
  return { calls, run, max: () => maxRunning };
}

// a ← b ← d ; a ← c ; e alone
const graph: ScheduleNode[] = [
  { name: 'd', deps: ['b'] },
  { name: 'b', deps: ['a'] },
  { name: 'c', deps: ['a', 'outside'] },
  { name: 'a', deps: [] },
  { name: 'e', deps: [] },
];

describe('publishInOrder', () => {
  it('starts a package only after its dependencies, one per process', async () => {
    const r = recorder();
    const state = await publishInOrder(graph, { concurrency: 2, batching: 'per-package', run: r.run });
    const order = r.calls.flat();
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'));
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('d'));
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('c'));
    expect(r.calls.every((c) => c.length === 1)).toBe(true);
    expect(r.max()).toBeLessThanOrEqual(2);
    expect([...state.values()].every((s) => s === 'done')).toBe(true);
  });

  it('never runs more than the concurrency', async () => {
    const r = recorder();
    await publishInOrder(wide(20), { concurrency: 3, batching: 'per-package', run: r.run });
    expect(r.max()).toBe(3);
    expect(r.calls).toHaveLength(20);
  });

  it('batches ready packages over the free slots', async () => {
    const r = recorder();
    await publishInOrder(wide(10), { concurrency: 4, batching: 'batch', run: r.run });
    expect(r.calls.map((c) => c.length)).toEqual([3, 3, 2, 2]);
  });

  it('a failure blocks its dependents, transitively; independents go out', async () => {
    const r = recorder(['a']);
    const blocked: Array<[string, string]> = [];
    const state = await publishInOrder(graph, {
      concurrency: 4,
      batching: 'per-package',
      run: r.run,
      onBlocked: (n, by) => blocked.push([n, by]),
    });
    expect(Object.fromEntries(state)).toEqual({
      a: 'failed',
      b: 'blocked',
      c: 'blocked',
      d: 'blocked',
      e: 'done',
    });
    expect(blocked).toContainEqual(['d', 'a']);
    expect(r.calls.flat().sort()).toEqual(['a', 'e']);
  });

  it('a thrown run counts as failure', async () => {
    const state = await publishInOrder([{ name: 'x', deps: [] }], {
      concurrency: 1,
      batching: 'per-package',
      run: () => Promise.reject(new Error('boom')),
    });
    expect(state.get('x')).toBe('failed');
  });

  it('whole: one call with everything', async () => {
    const r = recorder(['c']);
    const state = await publishInOrder(graph, { concurrency: 1, batching: 'whole', run: r.run });
    expect(r.calls).toHaveLength(1);
    expect(state.get('c')).toBe('failed');
    expect(state.get('d')).toBe('done');
  });

  it('cycles end blocked instead of hanging', async () => {
    const r = recorder();
    const state = await publishInOrder(
      [
        { name: 'x', deps: ['y'] },
        { name: 'y', deps: ['x'] },
        { name: 'z', deps: [] },
      ],
      { concurrency: 2, batching: 'per-package', run: r.run },
    );
    expect(Object.fromEntries(state)).toEqual({ z: 'done', x: 'blocked', y: 'blocked' });
  });

  it('stops starting work once aborted', async () => {
    const controller = new AbortController();
    const state = await publishInOrder(wide(6), {
      concurrency: 1,
      batching: 'per-package',
      signal: controller.signal,
      run: async (names) => {
        controller.abort();
        await tick();
        return new Map(names.map((n) => [n, true]));
      },
    });
    expect([...state.values()].filter((s) => s === 'cancelled')).toHaveLength(5);
  });
});

describe('shareOut', () => {
  it('respects slots and batch size', () => {
    expect(shareOut([1, 2, 3, 4, 5], 2, 32)).toEqual([
      [1, 3, 5],
      [2, 4],
    ]);
    expect(shareOut([1, 2, 3, 4, 5], 2, 1)).toEqual([[1], [2]]);
    expect(shareOut([1], 4, 8)).toEqual([[1]]);
    expect(shareOut([], 4, 8)).toEqual([]);
  });
});

describe('fair batches', () => {
  it('a slot freeing up alone takes only its share of what is ready', async () => {
    // x is slow; when y finishes, its 8 dependents become ready with 1 slot free
    const nodes: ScheduleNode[] = [
      { name: 'x', deps: [] },
      { name: 'y', deps: [] },
      ...Array.from({ length: 8 }, (_, i) => ({ name: `d${i}`, deps: ['y'] })),
    ];
    const calls: string[][] = [];
    await publishInOrder(nodes, {
      concurrency: 2,
      batching: 'batch',
      run: async (names) => {
        calls.push(names);
        await new Promise((r) => setTimeout(r, names.includes('x') ? 30 : 1));
        return new Map(names.map((n) => [n, true]));
      },
    });
    expect(calls[0]).toEqual(['x']);
    expect(calls[1]).toEqual(['y']);
    expect(calls[2]).toHaveLength(4);
  });
});

describe('start on own dependencies', () => {
  it('a package starts when ITS dependencies are done, not its whole level', async () => {
    // level 0: fast, slow; level 1: needsFast depends only on fast
    const started: Record<string, number> = {};
    const t0 = Date.now();
    await publishInOrder(
      [
        { name: 'fast', deps: [] },
        { name: 'slow', deps: [] },
        { name: 'needsFast', deps: ['fast'] },
        { name: 'needsSlow', deps: ['slow'] },
      ],
      {
        concurrency: 4,
        batching: 'per-package',
        run: async (names) => {
          for (const n of names) started[n] = Date.now() - t0;
          await new Promise((r) => setTimeout(r, names.includes('slow') ? 400 : 1));
          return new Map(names.map((n) => [n, true]));
        },
      },
    );
    expect(started.needsFast).toBeLessThan(started.needsSlow ?? 0);
    expect(started.needsFast).toBeLessThan(300);
  });
});

describe('global backoff (fake clock)', () => {
  afterEach(() => vi.useRealTimers());

  it('no new publish starts while a pause is in force', async () => {
    vi.useFakeTimers();
    const backoff = new GlobalBackoff(Date.now, (ms) => new Promise((r) => setTimeout(r, ms)));
    const startedAt: number[] = [];
    const t0 = Date.now();
    const done = publishInOrder(wide(6), {
      concurrency: 2,
      batching: 'per-package',
      backoff,
      run: async (names) => {
        startedAt.push(Date.now() - t0);
        // the first publish meets a 429 with Retry-After: 5 s
        if (names[0] === 'p0') backoff.pauseFor(5000);
        await new Promise((r) => setTimeout(r, 100));
        return new Map(names.map((n) => [n, true]));
      },
    });
    await vi.runAllTimersAsync();
    await done;
    // p0 and p1 started at once; everything after waited out the pause
    expect(startedAt.slice(0, 2)).toEqual([0, 0]);
    expect(startedAt.slice(2).every((t) => t >= 5000)).toBe(true);
  });

  it('wait() resolves after the latest pause', async () => {
    vi.useFakeTimers();
    const backoff = new GlobalBackoff(Date.now, (ms) => new Promise((r) => setTimeout(r, ms)));
    const t0 = Date.now();
    backoff.pauseFor(1000);
    backoff.pauseFor(300);
    const waited = backoff.wait().then(() => Date.now() - t0);
    await vi.runAllTimersAsync();
    expect(await waited).toBe(1000);
  });
});

describe('adaptive batches: the critical path first, alone', () => {
  // a → b → c, and leaves x, y, z
  const nodes: ScheduleNode[] = [
    { name: 'x', deps: [] },
    { name: 'a', deps: [] },
    { name: 'y', deps: [] },
    { name: 'b', deps: ['a'] },
    { name: 'z', deps: [] },
    { name: 'c', deps: ['b'] },
  ];
  const dependents = new Map([
    ['a', ['b']],
    ['b', ['c']],
  ]);
  const height = heightsOf(
    nodes.map((n) => n.name),
    dependents,
  );

  it('heights: levels waiting on each package', () => {
    expect(Object.fromEntries(height)).toEqual({ x: 0, a: 2, y: 0, b: 1, z: 0, c: 0 });
  });

  it('a package others wait on goes alone; leaves share processes while the CPU is busy', () => {
    expect(adaptiveBatches(['x', 'a', 'y', 'z'], 8, 2, height)).toEqual([['a'], ['x', 'y'], ['z']]);
    expect(adaptiveBatches(['x', 'a', 'y', 'z'], 8, 1, height)).toEqual([['a'], ['x'], ['y'], ['z']]);
  });

  it('more ready than free slots: the critical path leads each process, the rest ride along', () => {
    expect(adaptiveBatches(['x', 'y', 'a', 'z'], 2, 2, height)).toEqual([
      ['a', 'y'],
      ['x', 'z'],
    ]);
  });

  it('a cycle does not hang the heights', () => {
    const h = heightsOf(
      ['p', 'q'],
      new Map([
        ['p', ['q']],
        ['q', ['p']],
      ]),
    );
    expect(h.size).toBe(2);
  });
});
