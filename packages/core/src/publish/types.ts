import type { ExecResult } from '../context.js';
import type { PublisherName } from '../report/types.js';

/** One package to publish. */
export interface PublishTarget {
  name: string;
  version: string;
  /** Absolute folder. */
  dir: string;
  /** Posix folder relative to the root. */
  relDir: string;
}

/** A process to run: the exact command `--dry-run` prints. */
export interface Invocation {
  file: string;
  args: string[];
  cwd: string;
  /** Added to the inherited environment. */
  env: Record<string, string>;
}

export interface PublishCommandOptions {
  root: string;
  registry: string;
  tag: string | undefined;
  access: 'public' | 'restricted' | undefined;
  /** Extra arguments turning provenance on (`--provenance`), from the switch. */
  provenanceArgs: readonly string[];
  /** Extra environment turning provenance on, from the switch. */
  provenanceEnv: Readonly<Record<string, string>>;
  /**
   * name → tarball packed beforehand (absolute path), for adapters that
   * publish exactly what was packed (`publishesPackedTarball`).
   */
  tarballs?: ReadonlyMap<string, string>;
  /**
   * Have the publisher log each package the registry accepts while a batch runs
   * (npm: its `http` log, read by `acceptedIn`), so dependents start early. Off
   * where every slot holds a chain (a nearby registry): there a dependent in
   * another process seldom finds a free slot early, and the log cost the main
   * thread ~2.5 ms per package (bench/release.js, loopback, on/off alternated).
   */
  logAcceptance?: boolean;
}

/** How one package's publish ended, as the publisher told it. */
export type PublishOutcome =
  | { kind: 'published'; integrity: string | null }
  | { kind: 'already-published'; message: string }
  | {
      kind: 'failed';
      message: string;
      transient: boolean;
      /** A more precise problem code than PUBLISH_FAILED, with its own hint (auth refusals). */
      code?: 'TOKEN_NOT_ALLOWED' | 'TOKEN_EXPIRED';
      hint?: string;
    }
  | { kind: 'rate-limited'; message: string; retryAfterMs: number | null }
  | { kind: 'needs-otp'; message: string }
  /** In a batch that stopped early: this package was never tried. */
  | { kind: 'not-attempted' };

/**
 * A publisher we wrap. Each implementation knows its command lines and how
 * to read what happened; nothing else. Runs go through the injected exec.
 */
export interface PublisherAdapter {
  readonly name: PublisherName;
  readonly version: string;
  /**
   * `per-package`: one process per package. `batch`: one process may take
   * several ready packages. `whole`: the publisher publishes everything in
   * one go, in its own order (changesets).
   */
  readonly batching: 'per-package' | 'batch' | 'whole';
  /**
   * A batch publishes its packages one after another in the order given and
   * stops at the first failure (npm `-w a -w b`), so a batch may carry a
   * package after its own dependencies. Not yarn: `foreach -p` runs them at once.
   */
  readonly batchInOrder?: boolean;
  /**
   * Packing only reads the package folder, so it may run while publishing
   * goes on. false for pnpm, which swaps a rewritten package.json into the
   * folder while it packs or publishes: two of those at once race.
   */
  readonly packsAlongside: boolean;
  /**
   * Packing twice gives the same bytes. false for pnpm: it writes the
   * resolved `workspace:` dependencies in whatever order they resolve, so
   * its own pack and its publish can differ in package.json key order. An
   * integrity recorded from a separate pack would then be a false alarm.
   */
  readonly reproduciblePack: boolean;
  /**
   * Pack although the pack may differ from the upload: its integrity then
   * settles only uncertain answers (a lost answer, "cannot publish over"),
   * when it matches the registry's.
   */
  readonly packToSettle?: boolean;
  /**
   * Publishes the tarballs packed beforehand (`pnpm publish <tgz>`,
   * `changeset publish --from-pack-dir`): the integrity is then known before
   * the upload, so a lost answer is settled by comparing integrities.
   */
  readonly publishesPackedTarball?: boolean;
  /**
   * Its publish output names the integrity of each upload (npm's `--json`): a
   * separate pack is then needed only to settle an uncertain answer, and runs
   * only then.
   */
  readonly reportsIntegrity?: boolean;
  publishInvocation(targets: readonly PublishTarget[], options: PublishCommandOptions): Invocation;
  /** Reads a finished publish process into one outcome per target name. */
  readOutcome(targets: readonly PublishTarget[], result: ExecResult): Map<string, PublishOutcome>;
  /**
   * The package a line of the running process's stderr says the registry has
   * just accepted (npm's `http fetch PUT 200 <registry>/<name>`), else null: a
   * batch's dependents may then start before the whole batch ends.
   */
  acceptedIn?(line: string): string | null;
  /**
   * How to learn the tarball integrity of targets before publishing, with the
   * publisher's own packing rules.
   */
  packInvocations(targets: readonly PublishTarget[], options: PackOptions): Invocation[];
  /** Reads pack output (and files it wrote) into name → integrity. */
  readPack(
    invocation: Invocation,
    result: ExecResult,
    readBytes: (path: string) => Buffer | null,
  ): Map<string, string>;
  /** Runs one of the package's scripts (`prepublishOnly` before packing a tarball to publish). */
  runScriptInvocation?(
    target: PublishTarget,
    script: string,
    env: Readonly<Record<string, string>>,
  ): Invocation;
  /** name → the tarball file a pack wrote (for `publishesPackedTarball`). */
  packedFiles?(
    invocation: Invocation,
    result: ExecResult,
    readBytes: (path: string) => Buffer | null,
  ): Map<string, string>;
}

export interface PackOptions {
  root: string;
  /** A scratch folder for tarballs. */
  tmpDir: string;
  env: Readonly<Record<string, string>>;
  /** The registry publishing goes to (changesets 3 plans its pack against it). */
  registry?: string;
}
