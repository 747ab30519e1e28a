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
  concurrency: number;
  signal?: AbortSignal;
}

export interface PackResult {
  /** name → sha512 integrity of the tarball the publisher would upload. */
  integrity: Map<string, string>;
  /** name → why it could not be packed. */
  errors: Map<string, string>;
}

/**
 * Records what will be published: packs every target with the publisher's
 * own packing (npm: one `npm pack --dry-run --json` for all), before
 * anything is uploaded.
 */
export async function packTargets(input: PackInput): Promise<PackResult> {
  const result: PackResult = { integrity: new Map(), errors: new Map() };
  if (input.targets.length === 0) return result;
  const tmpDir = mkdtempSync(join(tmpdir(), 'provenant-pack-'));
  // tarballs named after scoped packages land in a folder per scope
  for (const t of input.targets)
    if (t.name.startsWith('@')) mkdirSync(join(tmpDir, t.name.split('/')[0] ?? ''), { recursive: true });
  try {
    const invocations = input.adapter.packInvocations(input.targets, {
      root: input.root,
      tmpDir,
      env: input.extraEnv,
    });
    const limit = pLimit(Math.max(1, input.concurrency));
    await Promise.all(
      invocations.map((inv) =>
        limit(async () => {
          if (input.signal?.aborted) return;
          const run = await runInvocation(input, inv);
          if (run === INTERRUPTED_RESULT) return;
          const found = input.adapter.readPack(inv, run, readOrNull);
          for (const [name, integrity] of found) result.integrity.set(name, integrity);
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
    rmSync(tmpDir, { recursive: true, force: true });
  }
  for (const t of input.targets) {
    if (!result.integrity.has(t.name) && !result.errors.has(t.name) && !input.signal?.aborted) {
      result.errors.set(t.name, 'the publisher did not report a tarball for it');
    }
  }
  return result;
}

function readOrNull(path: string): Buffer | null {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
}
