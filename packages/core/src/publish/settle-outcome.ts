import { messageOf } from '../errors.js';
import { problem, type Problem } from '../problems.js';
import { retryDelayMs } from '../registry/http-retry.js';
import type { GlobalBackoff } from './global-backoff.js';
import { sameIntegrity } from './integrity.js';
import type { PlannedTarget, PublishAllInput, PublishState } from './publish-all.js';
import type { PublishOutcome, PublishTarget } from './types.js';

export interface Progress {
  attempts: number;
  startedAt: number | null;
  /** A retried attempt hit a rate limit or transient error first. */
  throttled: boolean;
  transientBefore: boolean;
}

export interface SettlerDeps {
  input: PublishAllInput;
  progress: Map<string, Progress>;
  /** Records a package's final state; true when it counts as published. */
  finish: (name: string, state: PublishState, problems: Problem[], integrity: string | null) => boolean;
  /** The integrity of the independent pack, once packing is done. */
  packedOf: (name: string) => Promise<string | null>;
  /**
   * Packing happens only when asked for (the publisher reports what it uploaded): a
   * reported success is then compared with the registry as reported, without a pack.
   */
  packsOnDemand?: boolean;
  /** A 429 pauses every publish, not only this one's retry. */
  backoff: GlobalBackoff;
  /** Called on each 429 (an adaptive limit lowers itself). */
  onThrottled: () => void;
}

/**
 * Turns what a publisher reported for one package into its final state,
 * settling uncertain answers against the registry: a lost answer to our own
 * upload is a publish, the same bytes already there a skip, other bytes
 * PUBLISHED_CONTENT_DIFFERS.
 */
export function createSettler({
  input,
  progress,
  finish,
  packedOf,
  backoff: pause,
  onThrottled,
  packsOnDemand = false,
}: SettlerDeps) {
  const backoff = input.backoff ?? { minDelayMs: 1000, maxDelayMs: 30_000 };
  /** Settles one package's outcome; returns the targets to try again, alone. */
  const settle = async (target: PlannedTarget, outcome: PublishOutcome): Promise<boolean | 'again'> => {
    const p = progress.get(target.name) as Progress;
    if (outcome.kind === 'published') {
      const reported = outcome.integrity ?? null;
      const packed = reported !== null && packsOnDemand ? null : await packedOf(target.name);
      return confirmUpload(target, reported ?? (input.adapter.reproduciblePack ? packed : null), p);
    }
    const packed = outcome.kind === 'not-attempted' ? null : await packedOf(target.name);
    switch (outcome.kind) {
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
          if (outcome.kind === 'rate-limited') {
            onThrottled();
            pause.pauseFor(delayMs);
            await pause.wait();
          } else await input.sleep(delayMs);
          return 'again';
        }
        const limited = outcome.kind === 'rate-limited';
        const refused = outcome.kind === 'failed' ? outcome : null;
        return finish(
          target.name,
          'failed',
          [
            problem(
              refused?.code ?? 'PUBLISH_FAILED',
              'error',
              `${input.adapter.name} could not publish ${target.name}@${target.version}${
                p.attempts > 1 ? ` (after ${p.attempts} attempts)` : ''
              }: ${outcome.message}`,
              refused?.hint ??
                (limited
                  ? 'The registry kept rate-limiting; run again later (already published packages are skipped).'
                  : 'Fix the cause above and run release again: packages already published are skipped.'),
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
    const packed = packsOnDemand && integrity !== null ? null : await packedOf(target.name);
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
    // A pack that may differ from the upload (pnpm's own, beside a folder publish) settles uncertain
    // answers only (settleExisting compares it first); a reported success is taken as it is.
    const expected = (input.adapter.reproduciblePack ? packed : null) ?? integrity;
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

  /**
   * A package a whole-run publisher (changesets) did not report on: the
   * registry says whether it went out. Absent, it was never tried — blocked
   * by a dependency that did not go out (DEPENDENCY_BLOCKED), else the
   * publisher stopped before it (NOT_ATTEMPTED; changesets 3 stops after
   * the first failing chunk). `mayRetry`: nothing really failed (what
   * stopped the publisher was a lost answer), so it is run again.
   */
  const settleUnreported = async (
    target: PlannedTarget,
    failedDeps: readonly string[],
    mayRetry: boolean,
  ): Promise<boolean | 'again'> => {
    const p = progress.get(target.name) as Progress;
    let existing: string | null;
    try {
      existing = await registryIntegrityOf(target);
    } catch {
      existing = null;
    }
    if (existing !== null)
      return settleExisting(target, 'not reported by the publisher', { ...p, transientBefore: true });
    const packed = await packedOf(target.name);
    if (failedDeps.length === 0 && mayRetry) return 'again';
    if (failedDeps.length > 0) {
      return finish(
        target.name,
        'blocked',
        [
          problem(
            'DEPENDENCY_BLOCKED',
            'error',
            `Not published: it depends on ${failedDeps.join(', ')}, which ${failedDeps.length > 1 ? 'were' : 'was'} not published.`,
            'Fix the failure of that dependency first, then run release again.',
          ),
        ],
        packed,
      );
    }
    return finish(
      target.name,
      'failed',
      [
        problem(
          'NOT_ATTEMPTED',
          'error',
          `${input.adapter.name} ${input.adapter.version} stopped before publishing ${target.name}@${target.version}.`,
          'Fix the failure reported for another package, then run release again: packages already published are skipped.',
        ),
      ],
      packed,
    );
  };

  return { settle, settleExisting, settleUnreported };
}
