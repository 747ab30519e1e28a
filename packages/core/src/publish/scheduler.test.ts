import { describe, expect, it } from 'vitest';
import { publishInOrder, shareOut, type ScheduleNode } from './scheduler.js';

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
    const wide: ScheduleNode[] = Array.from({ length: 20 }, (_, i) => ({ name: `p${i}`, deps: [] }));
    const r = recorder();
    await publishInOrder(wide, { concurrency: 3, batching: 'per-package', run: r.run });
    expect(r.max()).toBe(3);
    expect(r.calls).toHaveLength(20);
  });

  it('batches ready packages over the free slots', async () => {
    const wide: ScheduleNode[] = Array.from({ length: 10 }, (_, i) => ({ name: `p${i}`, deps: [] }));
    const r = recorder();
    await publishInOrder(wide, { concurrency: 4, batching: 'batch', run: r.run });
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
    const wide: ScheduleNode[] = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}`, deps: [] }));
    const state = await publishInOrder(wide, {
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
