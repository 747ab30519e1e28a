import { afterEach, describe, expect, it, vi } from 'vitest';
import { adaptiveInFlight, fixedInFlight } from './in-flight.js';
import { publishInOrder } from './scheduler.js';
import { wide } from './test-support/graphs.js';

/** A publisher whose processes each take `ms` of fake time per package, in series. */
function timedRun(ms: number, calls: string[][], inFlight: { now: number; max: number }) {
  return async (names: string[]) => {
    calls.push(names);
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    await new Promise((r) => setTimeout(r, ms * names.length));
    inFlight.now--;
    return new Map(names.map((n) => [n, true]));
  };
}

describe('in-flight limits (fake clock)', () => {
  afterEach(() => vi.useRealTimers());

  it('a given concurrency is honoured exactly, even above the core count', async () => {
    vi.useFakeTimers();
    const calls: string[][] = [];
    const inFlight = { now: 0, max: 0 };
    const done = publishInOrder(wide(40), {
      concurrency: fixedInFlight(16),
      batching: 'batch',
      run: timedRun(1000, calls, inFlight),
    });
    await vi.runAllTimersAsync();
    await done;
    expect(inFlight.max).toBe(16);
    // 40 over 16 slots: fair batches of 3, then what is left
    expect(calls.flat()).toHaveLength(40);
  });

  it('adaptive: grows while the CPU idles and packages wait, in single-package processes', async () => {
    vi.useFakeTimers();
    const calls: string[][] = [];
    const inFlight = { now: 0, max: 0 };
    const limit = adaptiveInFlight({ sampleCpu: () => 0.2, min: 2, max: 32, initial: 4 });
    const done = publishInOrder(wide(30), {
      concurrency: limit,
      batching: 'batch',
      tickMs: 500,
      run: timedRun(4000, calls, inFlight),
    });
    await vi.runAllTimersAsync();
    await done;
    // 4 → 6 → 9 → 13 → 19 → 28: the network-bound job fills up
    expect(limit.limit()).toBeGreaterThanOrEqual(19);
    expect(inFlight.max).toBeGreaterThan(4);
    // before any CPU sample, the 26 packages beyond the first wave would wait a whole cycle
    // for a slot: the first four processes take two each instead
    expect(calls.slice(0, 4).map((c) => c.length)).toEqual([2, 2, 2, 2]);
    // once the CPU is measured idle the limit grows instead; a burst of start-ups still pairs
    expect(calls.slice(4).every((c) => c.length <= 2)).toBe(true);
    expect(calls.flat()).toHaveLength(30);
  });

  it('adaptive: shrinks to its floor while the CPU is saturated, and pairs packages then', async () => {
    vi.useFakeTimers();
    const calls: string[][] = [];
    const inFlight = { now: 0, max: 0 };
    const limit = adaptiveInFlight({ sampleCpu: () => 1, min: 2, max: 32, initial: 4 });
    const done = publishInOrder(wide(20), {
      concurrency: limit,
      batching: 'batch',
      tickMs: 500,
      run: timedRun(1000, calls, inFlight),
    });
    await vi.runAllTimersAsync();
    await done;
    expect(limit.limit()).toBe(2);
    expect(inFlight.max).toBe(4);
    // two per process throughout (half the start-ups, no long series): the first wave because
    // more were ready than it had slots, the rest because the CPU is saturated
    expect(calls.every((c) => c.length <= 2)).toBe(true);
    expect(calls.filter((c) => c.length === 2).length).toBeGreaterThanOrEqual(9);
    expect(calls.flat()).toHaveLength(20);
  });

  it('adaptive: a busy CPU before any publish finished (start-ups only) does not shrink the limit', () => {
    const limit = adaptiveInFlight({ sampleCpu: () => 1, min: 2, max: 32, initial: 4 });
    limit.tick(true);
    limit.tick(true);
    expect(limit.limit()).toBe(4);
    limit.finished?.();
    limit.tick(true);
    expect(limit.limit()).toBe(3);
  });

  it('adaptive: holds when the CPU idles but nothing waits for a slot', () => {
    const limit = adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 32, initial: 4 });
    limit.finished?.();
    limit.tick(false);
    expect(limit.limit()).toBe(4);
    limit.tick(true);
    expect(limit.limit()).toBe(6);
  });

  it('adaptive: a 429 halves the limit, down to the floor', () => {
    const limit = adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 32, initial: 16 });
    limit.finished?.();
    limit.throttled();
    expect(limit.limit()).toBe(8);
    limit.throttled();
    limit.throttled();
    limit.throttled();
    expect(limit.limit()).toBe(2);
  });

  it('an unknown CPU (no samples) keeps the initial limit', () => {
    const limit = adaptiveInFlight({ sampleCpu: () => null, min: 2, max: 32, initial: 4 });
    limit.tick(true);
    expect(limit.limit()).toBe(4);
    expect(limit.batchCap()).toBe(1);
    // more ready than slots, and no measurement to grow on: two per process
    expect(limit.batchCap(true)).toBe(2);
  });

  it('adaptive: pairs an overflowing first wave only until the CPU is measured', () => {
    let busy = 0.2;
    const limit = adaptiveInFlight({ sampleCpu: () => busy, min: 2, max: 32, initial: 4 });
    expect([limit.batchCap(false), limit.batchCap(true)]).toEqual([1, 2]);
    limit.tick(true);
    // measured idle: the limit grows instead, one package per process
    expect([limit.batchCap(false), limit.batchCap(true)]).toEqual([1, 1]);
    busy = 1;
    for (let i = 0; i < 12; i++) limit.tick(true);
    expect([limit.batchCap(false), limit.batchCap(true)]).toEqual([2, 2]);
  });

  it('adaptive: two start-ups per core under way pair the next packages, though the CPU sampled idle', () => {
    const limit = adaptiveInFlight({ sampleCpu: () => 0.1, min: 2, max: 32, initial: 4 });
    limit.tick(false);
    for (let i = 0; i < 3; i++) limit.started?.();
    expect(limit.batchCap()).toBe(1);
    limit.tick(false);
    limit.started?.();
    expect(limit.batchCap()).toBe(2);
    // four ticks (~2 s) later those start-ups are behind: one per process again
    for (let i = 0; i < 4; i++) limit.tick(false);
    expect(limit.batchCap()).toBe(1);
  });
});
