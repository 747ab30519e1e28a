import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, freemem } from 'node:os';

/**
 * How many publishes may be in flight (publisher processes running; a batched
 * process publishes its packages one after another, so it holds one).
 *
 * Given `--concurrency`, the limit is that number, exactly. Without it, the
 * limit adapts: publishes cost CPU (Node start-up, packing, gzip, signing)
 * and then wait on the network (Sigstore, the registry's PUT). On loopback the
 * CPU is the bottleneck and more processes only contend (measured on 2 cores,
 * 60 packages: 2 processes 27.3 s, 4 29.9 s, 8 34.4 s); against a real
 * registry each publish waits seconds on the network and the CPU idles unless
 * many are in flight. So the limit grows while the CPU idles and packages wait
 * for a slot, and shrinks while the CPU is saturated — judged on the
 * machine's CPU busy fraction, sampled every tick and smoothed.
 */
export interface InFlightLimit {
  readonly adaptive: boolean;
  /** Publishes allowed in flight now. */
  limit(): number;
  /**
   * Most packages one process may take now; `overflow`: more packages are ready
   * than slots are free. An adaptive limit hands out one package per process
   * unless the CPU is saturated, or before any CPU sample when the ready
   * packages overflow the first wave (then two): a batch runs in series and
   * cannot be split once the limit turns out to be higher.
   */
  batchCap(overflow?: boolean): number;
  /**
   * Whether a batch may also carry packages after their own dependencies (a chain, for
   * publishers that run a batch in order): only worth it when the network is near.
   */
  readonly chains: boolean;
  /** A periodic sample: `waiting` is whether ready packages wait for a slot. */
  tick(waiting: boolean): void;
  /** A publisher process finished (its whole cycle, start-up to the registry's answer, is behind it). */
  finished?(): void;
  /** A publisher process was started. */
  started?(): void;
  /** The registry rate-limited us: fewer in flight from now on (adaptive only). */
  throttled(): void;
}

/**
 * `--concurrency` given: exactly that many publishes in flight. Otherwise the
 * limit adapts to the job: few processes with big batches when the CPU is the
 * bottleneck (loopback, a fast registry), many with small ones while
 * publishes wait on the network (registry.npmjs.org, public Sigstore).
 */
export function publishLimit(given: number | undefined, network: NetworkProfile = 'remote'): InFlightLimit {
  const nearby = network === 'nearby';
  if (given !== undefined) return fixedInFlight(given, nearby);
  // a registry next door: publishing is CPU work only, one process per core with long
  // chains of packages pays the fewest start-ups (bench/release.js, loopback profile)
  if (nearby) return fixedInFlight(minimumInFlight(), true);
  return adaptiveInFlight({ sampleCpu: systemCpuSampler() });
}

/**
 * `nearby`: the registry answers within NEARBY_RTT_MS (loopback, a mirror on the same
 * network): a publish's wait on the network is small next to a publisher's start-up
 * (~1 s of CPU for npm), so few processes with long batches win. `remote`: a publish
 * waits seconds on the network (registry PUT, Sigstore), so many single-package
 * processes in flight win, as many as the CPU allows.
 */
export type NetworkProfile = 'nearby' | 'remote';
export const NEARBY_RTT_MS = 20;

export function fixedInFlight(concurrency: number, chains = false): InFlightLimit {
  const n = Math.max(1, Math.floor(concurrency));
  return {
    adaptive: false,
    chains,
    limit: () => n,
    batchCap: () => Number.POSITIVE_INFINITY,
    tick: () => undefined,
    throttled: () => undefined,
  };
}

export interface AdaptiveOptions {
  /** Busy fraction of all cores since the previous call (0..1), or null when unknown. */
  sampleCpu: () => number | null;
  /** Never fewer (default: the core count, at least 2). */
  min?: number;
  /** Never more (default: 32, and no more than free memory holds at ~128 MB per publisher). */
  max?: number;
  /**
   * Before any measurement (default: four times the minimum). Little's law with measured
   * figures: a remote publish (npm 11, WAN profile) takes ~4.6 s of which ~1.1 s is CPU, so
   * about four per core keep the CPU busy from the first second (twice the minimum left it
   * idle for a whole publish cycle: 34–36 s against 31 s for the 40-package WAN bench).
   */
  initial?: number;
  /** Grow below this smoothed busy fraction (default 0.75)… */
  growBelow?: number;
  /** …shrink above this one (default 0.92). */
  shrinkAbove?: number;
}

const PUBLISHER_MEMORY = 128 * 2 ** 20;
const BUSY_BATCH = 2;
const STARTING_TICKS = 4;

/** The adaptive limit's floor: one process per core (at least 2), where loopback runs fastest. */
export const minimumInFlight = (): number => Math.max(2, availableParallelism());

export function adaptiveInFlight(options: AdaptiveOptions): InFlightLimit {
  const min = Math.max(1, options.min ?? minimumInFlight());
  const max = Math.max(min, options.max ?? Math.min(32, Math.floor(freemem() / PUBLISHER_MEMORY)));
  let current = Math.min(max, Math.max(min, options.initial ?? min * 4));
  const growBelow = options.growBelow ?? 0.75;
  const shrinkAbove = options.shrinkAbove ?? 0.92;
  let smoothed: number | null = null;
  let anyFinished = false;
  // processes started in the last STARTING_TICKS ticks (~2 s): each still has most of its
  // ~1.1 s start-up CPU ahead, which no CPU sample shows yet
  const startsPerTick: number[] = [0];
  const starting = () => startsPerTick.reduce((a, b) => a + b, 0);
  return {
    adaptive: true,
    finished() {
      anyFinished = true;
    },
    started() {
      startsPerTick[startsPerTick.length - 1] = (startsPerTick.at(-1) ?? 0) + 1;
    },
    chains: false,
    limit: () => current,
    // One package per process while the CPU has room: each waits seconds on the network,
    // and a batch would wait in series. Once the CPU is too busy to add processes, two: the second package
    // costs npm ~0.1 s of CPU instead of a ~1.1 s start-up (measured, npm 11: one package
    // 1.14 s, ten 2.0 s), which halves the CPU per package; a third would add another
    // network wait (~2.5 s against a remote registry) for less than half that saving.
    // Before any sample, a package beyond the first wave would wait a whole publish cycle
    // for a slot: the first wave (four start-ups per core, ~1.1 s of CPU each) saturates
    // the CPU for seconds, so the limit cannot grow in that time (measured on the WAN bench:
    // the 9th–14th ready packages started 5.6 s late). As a second package in a process it
    // waits one network round instead and costs ~0.1 s of CPU.
    // Likewise while two start-ups per core are under way: they will saturate the CPU for the
    // next second or more whatever the last sample says (measured on the WAN bench: a level of
    // 12 single-package processes started within 2 s while the CPU sampled idle, then held
    // the CPU so long that the limit shrank and one ready package waited 10 s for a slot).
    batchCap: (overflow = false) =>
      (smoothed === null ? overflow : smoothed >= growBelow || starting() >= 2 * min) ? BUSY_BATCH : 1,
    tick(waiting) {
      startsPerTick.push(0);
      if (startsPerTick.length > STARTING_TICKS) startsPerTick.shift();
      const busy = options.sampleCpu();
      if (busy === null) return;
      // A slow average (~3 s): a wave of publishers starting saturates the CPU for a second or
      // two and then waits seconds on the network; the limit must follow the whole cycle, not
      // the burst (measured: halving per tick swung 13 → 2 → 13 within one publish cycle).
      smoothed = smoothed === null ? busy : smoothed + (busy - smoothed) / 6;
      // Until a first publish has finished, a busy CPU shows only the publishers' start-up,
      // not too many in flight: no shrinking yet (it took a WAN job to its floor in 2 s).
      if (smoothed > shrinkAbove) {
        if (anyFinished) current = Math.max(min, current - 1);
      }
      // multiplicative growth: a WAN job needs ~a level's width in flight within seconds
      else if (smoothed < growBelow && waiting) current = Math.min(max, current + Math.max(1, current >> 1));
    },
    throttled() {
      current = Math.max(min, current >> 1);
    },
  };
}

/**
 * The machine's CPU busy fraction between calls: the kernel's aggregate line of
 * /proc/stat on Linux (one small read), else os.cpus() (which also reads
 * every core's model and speed, ~2 ms a call).
 */
export function systemCpuSampler(): () => number | null {
  const read = (): { busy: number; total: number } => {
    try {
      // cpu  user nice system idle iowait irq softirq steal …
      const line = readFileSync('/proc/stat', 'latin1').slice(0, 200).split('\n')[0] ?? '';
      const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
      if (f.length >= 5 && f.every(Number.isFinite)) {
        const total = f.reduce((a, b) => a + b, 0);
        // niced work (a background build, another job's tests) yields to ours: not busy
        return { busy: total - (f[1] ?? 0) - (f[3] ?? 0) - (f[4] ?? 0), total };
      }
    } catch {
      // not Linux
    }
    let busy = 0;
    let total = 0;
    for (const { times } of cpus()) {
      const all = times.user + times.nice + times.sys + times.irq + times.idle;
      total += all;
      busy += all - times.idle - times.nice;
    }
    return { busy, total };
  };
  let last = read();
  return () => {
    const now = read();
    const total = now.total - last.total;
    const busy = now.busy - last.busy;
    last = now;
    return total > 0 ? Math.min(1, Math.max(0, busy / total)) : null;
  };
}
