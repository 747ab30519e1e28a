import type { Context } from '../context.js';
import { ProvenantError } from '../errors.js';
import { Journal, type RestoreOutcome } from '../provenance/journal.js';
import { applyProvenanceSwitch, type ProvenanceSwitch } from '../provenance/switch.js';
import { publishLimit } from '../publish/in-flight.js';
import type { measureNetwork } from '../publish/network-profile.js';
import {
  publishAll,
  type PlannedTarget,
  type PublishAllInput,
  type PublishRecord,
} from '../publish/publish-all.js';
import type { PublisherAdapter } from '../publish/types.js';
import type { Packument } from '../registry/packument.js';
import { formatInvocation, type ReleaseEvent } from './events.js';
import { startPackStep } from './pack-step.js';

export interface PublishStepInput {
  root: string;
  registry: string;
  adapter: PublisherAdapter;
  targets: readonly PlannedTarget[];
  /** Everything the publish command needs but the dist-tag and the packed tarballs. */
  command: PublishAllInput['command'];
  sw: ProvenanceSwitch;
  /** Parallel registry reads; packing takes half of it (it shares the machine with the publishers). */
  concurrency: number;
  /** `--concurrency` when given; undefined: adaptive. */
  publishConcurrency: number | undefined;
  /** How far the registry is (measured once by release): the default limit, and whether batches may chain. */
  network: ReturnType<typeof measureNetwork>;
  retries: number;
  authEnv: PublishAllInput['authEnv'];
  getPackument: (name: string) => Promise<Packument | null>;
  ctx: Context;
  signal: AbortSignal | undefined;
  emit: (event: ReleaseEvent) => void;
  /** Each version the registry confirmed (or refused), as soon as it is settled. */
  onPublished: (record: PublishRecord) => void;
}

export interface PublishStepResult {
  records: Map<string, PublishRecord>;
  restored: RestoreOutcome;
}

/**
 * The part of `release` that changes files: provenance switched on under a
 * journal, every target packed and published in dependency order, then
 * every changed file restored, whatever happened. Throws JOURNAL_INVALID
 * when a file could not be put back, INTERRUPTED (after restoring) when the
 * signal fired.
 */
export async function publishJournaled(input: PublishStepInput): Promise<PublishStepResult> {
  const { adapter, emit, root, sw, targets } = input;
  // changesets 3.x would write its own git-tag events to changesets/action's file: ours replace them.
  const env = { ...input.ctx.env, CHANGESETS_OUTPUT: undefined };
  let records: Map<string, PublishRecord>;
  let restored: RestoreOutcome;
  const journal = Journal.begin(root);
  let disposePack = () => {};
  try {
    emit({ type: 'stage', stage: 'provenance', detail: `Turning provenance on via ${sw.via}` });
    applyProvenanceSwitch(sw, journal);
    for (const f of sw.files) emit({ type: 'file-changed', path: f.relPath, via: sw.via });

    const packStep = startPackStep({
      root,
      adapter,
      targets,
      ctx: input.ctx,
      env,
      extraEnv: sw.env,
      registry: input.registry,
      // it shares the machine with the publishers
      concurrency: Math.max(1, Math.floor(input.concurrency / 2)),
      signal: input.signal,
    });
    disposePack = packStep.dispose;
    if (packStep.upFront) emit({ type: 'packing', names: targets.map((t) => t.name) });
    if (packStep.waitBeforePublishing) await packStep.packed;
    const tarballs = adapter.publishesPackedTarball ? await packStep.tarballs() : undefined;

    emit({ type: 'stage', stage: 'publish', detail: `Publishing with ${adapter.name} ${adapter.version}` });
    records = await publishAll({
      adapter,
      targets,
      command: tarballs ? { ...input.command, tarballs } : input.command,
      packed: packStep.packed,
      // check saw every target absent from the registry
      absentBeforehand: true,
      concurrency: publishLimit(input.publishConcurrency, (await input.network).profile),
      retries: input.retries,
      exec: input.ctx.exec,
      env,
      getPackument: input.getPackument,
      authEnv: input.authEnv,
      sleep: input.ctx.sleep,
      now: input.ctx.now,
      signal: input.signal,
      onEvent: (event) => {
        if (event.type === 'publishing') {
          emit({
            type: 'publishing',
            names: event.names,
            command: formatInvocation(event.invocation, root),
            attempt: event.attempt,
          });
        } else if (event.type === 'retrying') emit(event);
        else {
          emit({ type: 'published', record: event.record });
          input.onPublished(event.record);
        }
      },
    });
  } finally {
    disposePack();
    emit({ type: 'stage', stage: 'restore', detail: 'Restoring changed files' });
    restored = journal.restore();
    emit({ type: 'restored', paths: restored.restored });
  }
  if (restored.failed.length > 0) {
    throw new ProvenantError(
      'JOURNAL_INVALID',
      `Could not restore ${restored.failed.map((f) => `${f.path} (${f.error})`).join(', ')}.`,
      { hint: 'Run `provenant restore` to try again; the journal is kept.' },
    );
  }
  if (input.signal?.aborted) {
    throw new ProvenantError('INTERRUPTED', 'Release interrupted; every changed file was restored.', {
      hint: 'Run release again: packages already published are skipped.',
    });
  }
  return { records, restored };
}
