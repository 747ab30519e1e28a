import type { ExecFn } from '../context.js';
import { messageOf } from '../errors.js';
import { problem, type Problem } from '../problems.js';
import { redact } from '../redact.js';
import { retryDelayMs } from '../registry/http-retry.js';
import type { Packument } from '../registry/packument.js';
import { INTERRUPTED_RESULT, runInvocation } from './abortable.js';
import { sameIntegrity } from './integrity.js';
import { publishInOrder } from './scheduler.js';
import type {
  Invocation,
  PublishCommandOptions,
  PublisherAdapter,
  PublishOutcome,
  PublishTarget,
} from './types.js';

export interface PlannedTarget extends PublishTarget {
  /** Workspace packages it needs published first. */
  deps: readonly string[];
  /** Dist-tag for this package. */
  tag: string | undefined;
}

export type PublishState = 'published' | 'already-published' | 'failed' | 'blocked' | 'cancelled';

export interface PublishRecord {
  name: string;
  state: PublishState;
  problems: Problem[];
  attempts: number;
  durationMs: number;
  /** Integrity of what was packed (and, after publishing, of what the registry holds). */
  integrity: string | null;
}

export type PublishEvent =
  | { type: 'publishing'; names: string[]; invocation: Invocation; attempt: number }
  | { type: 'retrying'; name: string; attempt: number; delayMs: number; reason: string }
  | { type: 'done'; record: PublishRecord };

export interface PublishAllInput {
  adapter: PublisherAdapter;
  targets: readonly PlannedTarget[];
  /** Everything but the per-package dist-tag. */
  command: Omit<PublishCommandOptions, 'tag'>;
  /**
   * Tarball integrity from packing each target independently of the
   * publisher (a promise: packing may run alongside the first publishes).
   */
  packed: ReadonlyMap<string, string> | Promise<ReadonlyMap<string, string>>;
  concurrency: number;
  retries: number;
  exec: ExecFn;
  /** The whole environment of child processes. */
  env: Readonly<Record<string, string | undefined>>;
  /** Reads the registry (null on 404) to settle "already published" and confirm uploads. */
  getPackument: (name: string) => Promise<Packument | null>;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  signal?: AbortSignal;
  onEvent?: (event: PublishEvent) => void;
  /**
   * Every target was seen absent from the registry just before (by check). The same bytes
   * turning up during the run are then our own upload whose answer was lost: publishers
   * retry a PUT themselves (npm does on 5xx/resets), and the retry meets the stored version.
   */
  absentBeforehand?: boolean;
  /** Backoff between publish retries; defaults 1 s doubling to 30 s (Retry-After wins). */
  backoff?: { minDelayMs: number; maxDelayMs: number };
}

interface Progress {
  attempts: number;
  startedAt: number | null;
  /** A retried attempt hit a rate limit or transient error first. */
  throttled: boolean;
  transientBefore: boolean;
}

/**
 * Publishes every target through the adapter, in dependency order, under
 * the concurrency limit, with retries on 429/5xx/network failures. A
 * "cannot publish over" answer is settled against the registry's
 * `dist.integrity`: the same bytes are already there (skipped) or different
 * ones are (PUBLISHED_CONTENT_DIFFERS). A package is never published twice.
 */
export async function publishAll(input: PublishAllInput): Promise<Map<string, PublishRecord>> {
  const records = new Map<string, PublishRecord>();
  const byName = new Map(input.targets.map((t) => [t.name, t]));
  const progress = new Map<string, Progress>(
    input.targets.map((t) => [
      t.name,
      { attempts: 0, startedAt: null, throttled: false, transientBefore: false },
    ]),
  );
  let packedMap: ReadonlyMap<string, string> = new Map();
  const packedReady = Promise.resolve(input.packed).then(
    (map) => (packedMap = map),
    () => packedMap,
  );
  const packedOf = async (name: string) => (await packedReady).get(name) ?? null;
  const backoff = input.backoff ?? { minDelayMs: 1000, maxDelayMs: 30_000 };

  const finish = (name: string, state: PublishState, problems: Problem[], integrity: string | null) => {
    const p = progress.get(name);
    const record: PublishRecord = {
      name,
      state,
      problems,
      attempts: p?.attempts ?? 0,
      durationMs: p?.startedAt === null || p === undefined ? 0 : input.now() - p.startedAt,
      integrity,
    };
    records.set(name, record);
    input.onEvent?.({ type: 'done', record });
    return state === 'published' || state === 'already-published';
  };

  const runOnce = async (targets: PlannedTarget[]): Promise<Map<string, PublishOutcome>> => {
    const options: PublishCommandOptions = { ...input.command, tag: targets[0]?.tag };
    const inv = input.adapter.publishInvocation(targets, options);
    for (const t of targets) {
      const p = progress.get(t.name);
      if (p) {
        p.attempts += 1;
        p.startedAt ??= input.now();
      }
    }
    input.onEvent?.({
      type: 'publishing',
      names: targets.map((t) => t.name),
      invocation: inv,
      attempt: Math.max(...targets.map((t) => progress.get(t.name)?.attempts ?? 1)),
    });
    const result = await runInvocation(input, inv);
    if (result === INTERRUPTED_RESULT)
      return new Map<string, PublishOutcome>(targets.map((t) => [t.name, { kind: 'not-attempted' }]));
    if (result.failedToStart !== undefined) {
      const message = redact(`Could not start ${inv.file}: ${result.failedToStart}`);
      return new Map<string, PublishOutcome>(
        targets.map((t) => [t.name, { kind: 'failed', message, transient: false }]),
      );
    }
    return input.adapter.readOutcome(targets, result);
  };

  /** Settles one package's outcome; returns the targets to try again, alone. */
  const settle = async (target: PlannedTarget, outcome: PublishOutcome): Promise<boolean | 'again'> => {
    const p = progress.get(target.name) as Progress;
    const packed = await packedOf(target.name);
    switch (outcome.kind) {
      case 'published':
        return confirmUpload(target, outcome.integrity ?? packed, p);
      case 'not-attempted':
        // never tried (a batch stopped before it): not an attempt
        p.attempts = Math.max(0, p.attempts - 1);
        return 'again';
      case 'already-published':
        return settleExisting(target, outcome.message, p);
      case 'needs-otp':
        return finish(
          target.name,
          'failed',
          [
            problem(
              'OTP_REQUIRED',
              'error',
              `The registry asked for a one-time password to publish ${target.name}@${target.version}: ${outcome.message}`,
              'Publish from CI with an automation or granular token (no 2FA prompt), or npm trusted publishing.',
            ),
          ],
          packed,
        );
      case 'rate-limited':
      case 'failed': {
        const retryable = outcome.kind === 'rate-limited' || outcome.transient;
        if (retryable && p.attempts <= input.retries && !input.signal?.aborted) {
          p.throttled = true;
          p.transientBefore = true;
          const delayMs =
            outcome.kind === 'rate-limited' && outcome.retryAfterMs !== null
              ? Math.min(outcome.retryAfterMs, backoff.maxDelayMs)
              : retryDelayMs({ retries: input.retries, ...backoff }, p.attempts - 1, null, input.now());
          input.onEvent?.({
            type: 'retrying',
            name: target.name,
            attempt: p.attempts + 1,
            delayMs,
            reason: outcome.message,
          });
          await input.sleep(delayMs);
          return 'again';
        }
        const limited = outcome.kind === 'rate-limited';
        return finish(
          target.name,
          'failed',
          [
            problem(
              'PUBLISH_FAILED',
              'error',
              `${input.adapter.name} could not publish ${target.name}@${target.version}${
                p.attempts > 1 ? ` (after ${p.attempts} attempts)` : ''
              }: ${outcome.message}`,
              limited
                ? 'The registry kept rate-limiting; run again later (already published packages are skipped).'
                : 'Fix the cause above and run release again: packages already published are skipped.',
            ),
          ],
          packed,
        );
      }
    }
  };

  const confirmUpload = async (
    target: PlannedTarget,
    integrity: string | null,
    p: Progress,
  ): Promise<boolean> => {
    const packed = await packedOf(target.name);
    const problems: Problem[] = [];
    if (p.throttled) {
      problems.push(
        problem(
          'RATE_LIMITED',
          'warning',
          `Publishing ${target.name}@${target.version} was rate-limited or failed transiently; a retry succeeded (${p.attempts} attempts).`,
          null,
        ),
      );
    }
    const registryIntegrity = await registryIntegrityOf(target).catch(() => undefined);
    const expected = packed ?? integrity;
    if (registryIntegrity && expected && !sameIntegrity(registryIntegrity, expected)) {
      return finish(
        target.name,
        'failed',
        [
          ...problems,
          problem(
            'PUBLISHED_CONTENT_DIFFERS',
            'error',
            `The registry holds ${target.name}@${target.version} with integrity ${registryIntegrity}, not the ${expected} that was packed.`,
            'Something changed the package between packing and publishing (a lifecycle script?). Bump the version and publish again.',
          ),
        ],
        expected,
      );
    }
    return finish(target.name, 'published', problems, registryIntegrity ?? expected);
  };

  const registryIntegrityOf = async (target: PublishTarget): Promise<string | null> => {
    const packument = await input.getPackument(target.name);
    const integrity = packument?.versions?.[target.version]?.dist?.integrity;
    return typeof integrity === 'string' ? integrity : null;
  };

  const settleExisting = async (target: PlannedTarget, message: string, p: Progress): Promise<boolean> => {
    const packed = await packedOf(target.name);
    let existing: string | null;
    try {
      existing = await registryIntegrityOf(target);
    } catch (error) {
      return finish(
        target.name,
        'failed',
        [
          problem(
            'PUBLISH_FAILED',
            'error',
            `${message} — and the registry could not be read to compare: ${messageOf(error)}`,
            null,
          ),
        ],
        packed,
      );
    }
    if (existing !== null && packed !== null && sameIntegrity(existing, packed)) {
      // A retry after a lost answer finds our own upload: that is a publish, not a skip.
      if (p.transientBefore || input.absentBeforehand) return confirmUpload(target, packed, p);
      return finish(
        target.name,
        'already-published',
        [
          problem(
            'ALREADY_PUBLISHED',
            'info',
            `${target.name}@${target.version} is already on the registry with the same content; skipped.`,
            null,
          ),
        ],
        existing,
      );
    }
    return finish(
      target.name,
      'failed',
      [
        problem(
          'PUBLISHED_CONTENT_DIFFERS',
          'error',
          existing === null
            ? `${input.adapter.name} says ${target.name}@${target.version} exists, but the registry shows no such version: ${message}`
            : `${target.name}@${target.version} is already on the registry with integrity ${existing}, but the local pack is ${packed ?? 'unknown'}.`,
          'A version cannot be published twice with different content: bump the version.',
        ),
      ],
      packed,
    );
  };

  /** Runs a group in one process, then anything left over alone, until settled. */
  const runGroup = async (names: string[]): Promise<Map<string, boolean>> => {
    const done = new Map<string, boolean>();
    let queue: PlannedTarget[][] = groupByTag(
      names.map((n) => byName.get(n)).filter((t): t is PlannedTarget => !!t),
    );
    while (queue.length > 0) {
      const next: PlannedTarget[][] = [];
      for (const group of queue) {
        if (input.signal?.aborted) {
          for (const t of group) {
            finish(t.name, 'cancelled', [], packedMap.get(t.name) ?? null);
            done.set(t.name, false);
          }
          continue;
        }
        const outcomes = await runOnce(group);
        const again: PlannedTarget[] = [];
        for (const target of group) {
          const outcome = outcomes.get(target.name) ?? { kind: 'not-attempted' };
          const settled = await settle(target, outcome);
          if (settled === 'again') {
            if (
              input.adapter.batching === 'whole' &&
              outcome.kind === 'not-attempted' &&
              !input.signal?.aborted
            ) {
              // changesets skipped or lost it: the registry says whether it is there.
              done.set(
                target.name,
                await settleExisting(target, 'not reported by the publisher', {
                  ...(progress.get(target.name) as Progress),
                  transientBefore: true,
                }),
              );
            } else again.push(target);
          } else done.set(target.name, settled);
        }
        if (input.adapter.batching === 'whole') {
          if (again.length > 0) next.push(again);
        } else for (const t of again) next.push([t]);
      }
      queue = next;
    }
    return done;
  };

  const states = await publishInOrder(
    input.targets.map((t) => ({ name: t.name, deps: t.deps })),
    {
      concurrency: input.concurrency,
      batching: input.adapter.batching,
      run: runGroup,
      signal: input.signal,
    },
  );
  for (const [name, state] of states) {
    if (records.has(name)) continue;
    const target = byName.get(name);
    if (state === 'blocked') {
      const blockers = (target?.deps ?? []).filter((d) => {
        const r = records.get(d);
        return r !== undefined ? r.state !== 'published' && r.state !== 'already-published' : byName.has(d);
      });
      finish(
        name,
        'blocked',
        [
          problem(
            'DEPENDENCY_BLOCKED',
            'error',
            `Not published: it depends on ${blockers.join(', ') || 'a workspace package'}, which ${blockers.length > 1 ? 'were' : 'was'} not published.`,
            'Fix the failure of that dependency first, then run release again.',
          ),
        ],
        packedMap.get(name) ?? null,
      );
    } else if (state === 'cancelled') {
      finish(name, 'cancelled', [], packedMap.get(name) ?? null);
    } else {
      finish(name, 'failed', [problem('PUBLISH_FAILED', 'error', `${name} was not published.`, null)], null);
    }
  }
  return records;
}

function groupByTag(targets: PlannedTarget[]): PlannedTarget[][] {
  const groups = new Map<string, PlannedTarget[]>();
  for (const t of targets) {
    const key = t.tag ?? '';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()];
}
