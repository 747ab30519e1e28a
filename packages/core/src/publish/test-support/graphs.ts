import type { ScheduleNode } from '../scheduler.js';

/** `n` packages that depend on nothing (the scheduler tests' widest graph). */
export const wide = (n: number): ScheduleNode[] =>
  Array.from({ length: n }, (_, i) => ({ name: `p${i}`, deps: [] }));
