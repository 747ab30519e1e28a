import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { ExecFn } from '../context.js';
import { INTERRUPTED_RESULT, runInvocation } from './abortable.js';
import { publisherMessage } from './classify.js';
import type { PublisherAdapter, PublishTarget } from './types.js';

export interface PackInput {
  root: string;
  adapter: PublisherAdapter;
  targets: readonly PublishTarget[];
  exec: ExecFn;
  /** The whole environment of child processes. */
  env: Readonly<Record<string, string | undefined>>;
  /** Provenance (and other) variables publishing will use: packing sees the same config. */
  extraEnv: Readonly<Record<string, string>>;
  /** The registry publishing goes to. */
  registry?: string;
  concurrency: number;
  signal?: AbortSignal;
}

export interface PackResult {
  /** name → sha512 integrity of the tarball the publisher would upload. */
  integrity: Map<string, string>;
  /** name → why it could not be packed. */
  errors: Map<string, string>;
  /** name → the packed tarball, kept for publishing (adapters that publish what they packed). */
  tarballs: Map<string, string>;
  /** Removes the kept tarballs (call once publishing is over). */
  dispose: () => void;
}

/**
 * Records what will be published: packs every target with the publisher's
 * own packing (npm: one `npm pack --dry-run --json` for all), before
 * anything is uploaded. For an adapter that publishes what it packed (pnpm,
 * changesets 3) the tarballs are kept until `dispose()`.
 */
export async function packTargets(input: PackInput): Promise<PackResult> {
  const tmpDir = mkdtempSync(join(tmpdir(), 'provenant-pack-'));
  const keep = input.adapter.publishesPackedTarball === true;
  const dispose = () => rmSync(tmpDir, { recursive: true, force: true });
  const result: PackResult = { integrity: new Map(), errors: new Map(), tarballs: new Map(), dispose };
  if (input.targets.length === 0) {
    dispose();
    return result;
  }
  // tarballs named after scoped packages land in a folder per scope
  for (const t of input.targets)
    if (t.name.startsWith('@')) mkdirSync(join(tmpDir, t.name.split('/')[0] ?? ''), { recursive: true });
  try {
    const packOptions = { root: input.root, tmpDir, env: input.extraEnv, registry: input.registry };
    let invocations = input.adapter.packInvocations(input.targets, packOptions);
    const limit = pLimit(Math.max(1, input.concurrency));
    const whole = invocations.length === 1 && !input.targets.some((t) => t.dir === invocations[0]?.cwd);
    if (keep && whole) {
      // one pack for every package (changesets 3): each prepublishOnly first; any failure
      // leaves them all unpacked, and publishing from the folders reports it
      const ran = await Promise.all(input.targets.map((t) => limit(() => prepublishOnly(input, t, result))));
      if (ran.includes(false)) invocations = [];
    }
    await Promise.all(
      invocations.map((inv) =>
        limit(async () => {
          if (input.signal?.aborted) return;
          const own = input.targets.find((t) => t.dir === inv.cwd);
          if (keep && own && !(await prepublishOnly(input, own, result))) return;
          const run = await runInvocation(input, inv);
          if (run === INTERRUPTED_RESULT) return;
          const found = input.adapter.readPack(inv, run, readOrNull);
          for (const [name, integrity] of found) result.integrity.set(name, integrity);
          if (keep && run.exitCode === 0) {
            for (const [name, file] of input.adapter.packedFiles?.(inv, run, readOrNull) ?? [])
              if (found.has(name)) result.tarballs.set(name, file);
          }
          if (run.exitCode !== 0 || found.size === 0) {
            const why = run.failedToStart ?? publisherMessage(`${run.stderr}\n${run.stdout}`);
            for (const t of input.targets) {
              if (!result.integrity.has(t.name) && inv.cwd === (invocations.length === 1 ? inv.cwd : t.dir)) {
                result.errors.set(t.name, why);
              }
            }
          }
        }),
      ),
    );
  } finally {
    if (!keep) dispose();
  }
  for (const t of input.targets) {
    if (!result.integrity.has(t.name) && !result.errors.has(t.name) && !input.signal?.aborted) {
      result.errors.set(t.name, 'the publisher did not report a tarball for it');
    }
  }
  return result;
}

/**
 * Publishing a tarball skips the package's `prepublishOnly` (often its
 * build), which a folder publish runs before packing: run it first, with
 * the publisher. A failure leaves the package unpacked; publishing then
 * falls back to the folder and reports the script's own failure.
 */
async function prepublishOnly(input: PackInput, target: PublishTarget, result: PackResult): Promise<boolean> {
  const manifest = readOrNull(join(target.dir, 'package.json'));
  let scripts: unknown;
  try {
    scripts = manifest ? (JSON.parse(manifest.toString('utf8')) as { scripts?: unknown }).scripts : undefined;
  } catch {
    return true;
  }
  const script = (scripts as Record<string, unknown> | undefined)?.prepublishOnly;
  if (typeof script !== 'string' || !input.adapter.runScriptInvocation) return true;
  const inv = input.adapter.runScriptInvocation(target, 'prepublishOnly', input.extraEnv);
  const run = await runInvocation(input, inv);
  if (run === INTERRUPTED_RESULT) return false;
  if (run.exitCode === 0) return true;
  result.errors.set(target.name, run.failedToStart ?? publisherMessage(`${run.stderr}\n${run.stdout}`));
  return false;
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
