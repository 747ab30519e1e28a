/** The bench's CPU clocks, read from /proc on Linux (NaN elsewhere). */
import { readFileSync } from 'node:fs';

/**
 * CPU of this process's main thread alone (Linux: /proc/self/task/<pid>/stat),
 * i.e. Provenant's orchestration without its verification threads; NaN elsewhere.
 */
export function mainThreadCpuMs() {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, USER_HZ = 100
  } catch {
    return Number.NaN;
  }
}

/**
 * Busy CPU time of the whole machine (all cores; /proc/stat, niced work left out): the
 * publishers, the registry, Sigstore and Provenant together. Divided by the wall time it
 * says how many cores a run kept busy; on 2 cores, 2 means the CPU was the bottleneck.
 */
export function machineCpu() {
  try {
    const f = readFileSync('/proc/stat', 'latin1').split('\n')[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busyMs: (total - f[1] - f[3] - f[4]) * 10 };
  } catch {
    return { busyMs: Number.NaN };
  }
}
