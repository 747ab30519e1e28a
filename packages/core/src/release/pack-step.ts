import type { Context } from '../context.js';
import { packTargets, type PackInput, type PackResult } from '../publish/pack.js';
import type { PublisherAdapter } from '../publish/types.js';

export type PackStepInput = Omit<PackInput, 'exec'> & { adapter: PublisherAdapter; ctx: Context };

export interface PackStep {
  /** Integrity per package: a promise, or (packing on demand) a function that packs when first called. */
  packed: Promise<ReadonlyMap<string, string>> | (() => Promise<ReadonlyMap<string, string>>);
  /** The packed tarballs, for an adapter that publishes them (packing first if needed). */
  tarballs: () => Promise<Map<string, string>>;
  /** Whether publishing must wait for packing (pnpm rewrites package.json in place while packing). */
  waitBeforePublishing: boolean;
  /** Whether packing was started at all before publishing. */
  upFront: boolean;
  dispose: () => void;
}

/**
 * Packing, to learn each tarball's integrity independently of the publisher:
 * up front where the pack is what gets published (pnpm, changesets 3) or what
 * settles answers; alongside the first publishes where it only reads the folder;
 * and only on demand where the publisher reports the integrity of each upload
 * (npm's `--json`): a reported success is compared with the registry as it is,
 * and the pack is made only to settle an uncertain answer (saves one publisher
 * run over every package, ~1 s of CPU per 20 packages).
 */
/** The publisher reports each upload's integrity (npm): packing is needed only to settle an answer. */
export function packsOnDemand(adapter: PublisherAdapter): boolean {
  return adapter.reportsIntegrity === true && !adapter.publishesPackedTarball;
}

export function startPackStep(input: PackStepInput): PackStep {
  const { adapter } = input;
  // Without a reproducible pack, the registry's integrity is recorded as published.
  const run = (): Promise<PackResult> =>
    adapter.reproduciblePack || adapter.packToSettle
      ? packTargets({ ...input, exec: input.ctx.exec })
      : Promise.resolve({ integrity: new Map(), errors: new Map(), tarballs: new Map(), dispose: () => {} });
  const onDemand = packsOnDemand(adapter);
  let packing: Promise<PackResult> | null = onDemand ? null : run();
  const now = () => (packing ??= run());
  return {
    packed: onDemand ? () => now().then((r) => r.integrity) : now().then((r) => r.integrity),
    tarballs: async () => (await now()).tarballs,
    waitBeforePublishing: !onDemand && (!adapter.packsAlongside || adapter.publishesPackedTarball === true),
    upFront: !onDemand,
    dispose: () => void packing?.then((r) => r.dispose()),
  };
}
