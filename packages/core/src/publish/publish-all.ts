import { setMaxListeners } from 'node:events';
import { problem, type Problem } from '../problems.js';
import { createSettler, type Progress } from './settle-outcome.js';
import { redact } from '../redact.js';
import { INTERRUPTED_RESULT, runInvocation } from './abortable.js';
import { GlobalBackoff } from './global-backoff.js';
import { fixedInFlight, type InFlightLimit } from './in-flight.js';
import { publishInOrder } from './scheduler.js';
import type { PublishCommandOptions, PublishOutcome, PublisherAdapter } from './types.js';
import { consecutiveByTag, dependencyBlocked, groupByTag } from './publish-groups.js';
import type { PlannedTarget, PublishAllInput, PublishRecord, PublishState } from './publish-all-types.js';

export type {
  PlannedTarget,
  PublishAllInput,
  PublishEvent,
  PublishRecord,
  PublishState,
} from './publish-all-types.js';

/**
 * Whether batches log each package the registry accepts (PublishCommandOptions.logAcceptance)
 * and the scheduler acts on it: the adapter can read it, and not every slot holds a chain.
 */
export function logsAcceptance(adapter: PublisherAdapter, limit: InFlightLimit): boolean {
  return typeof adapter.acceptedIn === 'function' && !limit.chains;
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
  let packedReady: Promise<ReadonlyMap<string, string>> | null = null;
  const packsOnDemand = typeof input.packed === 'function';
  const packedAll = () =>
    (packedReady ??= Promise.resolve(typeof input.packed === 'function' ? input.packed() : input.packed).then(
      (map) => (packedMap = map),
      () => packedMap,
    ));
  if (!packsOnDemand) void packedAll();
  const packedOf = async (name: string) => (await packedAll()).get(name) ?? null;

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

  /** Packages the registry accepted while their batch still runs (the adapter's acceptedIn). */
  const accepted = new Set<string>();
  const runOnce = async (
    targets: PlannedTarget[],
    early?: (name: string) => void,
  ): Promise<Map<string, PublishOutcome>> => {
    const options: PublishCommandOptions = {
      ...input.command,
      tag: targets[0]?.tag,
      logAcceptance: acceptsEarly,
    };
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
    const auth = input.authEnv ? await input.authEnv(targets) : null;
    if (auth && !auth.ok) {
      const failed = { kind: 'failed', message: redact(auth.message), transient: auth.transient } as const;
      return new Map<string, PublishOutcome>(targets.map((t) => [t.name, failed]));
    }
    const acceptedIn = input.adapter.acceptedIn?.bind(input.adapter);
    const members = new Set(targets.map((t) => t.name));
    const onLine =
      acceptedIn && acceptsEarly && early && targets.length > 1
        ? (line: string) => {
            const name = acceptedIn(line);
            if (name === null || !members.has(name) || accepted.has(name)) return;
            accepted.add(name);
            early(name);
          }
        : undefined;
    const result = await runInvocation(
      input,
      auth ? { ...inv, env: { ...inv.env, ...auth.env } } : inv,
      onLine,
    );
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

  const limit = typeof input.concurrency === 'number' ? fixedInFlight(input.concurrency) : input.concurrency;
  const acceptsEarly = logsAcceptance(input.adapter, limit);
  // every publisher process in flight listens for the interruption (Node warns past 10)
  if (input.signal) setMaxListeners(0, input.signal);
  const backoff = new GlobalBackoff(input.now, input.sleep);
  const { settle, settleUnreported } = createSettler({
    input,
    progress,
    finish,
    packedOf,
    packsOnDemand,
    backoff,
    onThrottled: () => limit.throttled(),
  });
  /** Workspace dependencies in this run that did not go out (so far). */
  const failedDepsOf = (target: PlannedTarget) =>
    target.deps.filter((d) => {
      const state = records.get(d)?.state;
      return byName.has(d) && state !== undefined && state !== 'published' && state !== 'already-published';
    });

  const chains = input.adapter.batching === 'batch' && input.adapter.batchInOrder === true;
  /**
   * Of a group about to run: the members to run now, in order. A member whose dependency in
   * this run did not go out is blocked; one whose dependency is still to be settled (and not
   * earlier in this group) waits for the next round.
   */
  const runnableOf = (group: PlannedTarget[], done: Map<string, boolean>, later: PlannedTarget[]) => {
    const runnable: PlannedTarget[] = [];
    const before = new Set<string>();
    for (const target of group) {
      const failed = failedDepsOf(target);
      if (failed.length > 0) {
        finish(target.name, 'blocked', [dependencyBlocked(failed)], packedMap.get(target.name) ?? null);
        done.set(target.name, false);
      } else if (
        target.deps.some((d) => byName.has(d) && !records.has(d) && !accepted.has(d) && !before.has(d))
      ) {
        later.push(target);
      } else {
        runnable.push(target);
        before.add(target.name);
      }
    }
    return runnable;
  };

  /** Runs a group in one process, then anything left over alone, in order, until settled. */
  const runGroup = async (names: string[], early?: (name: string) => void): Promise<Map<string, boolean>> => {
    const done = new Map<string, boolean>();
    let rounds = 0;
    const members = names.map((n) => byName.get(n)).filter((t): t is PlannedTarget => !!t);
    let queue: PlannedTarget[][] = chains ? consecutiveByTag(members) : groupByTag(members);
    while (queue.length > 0) {
      const next: PlannedTarget[][] = [];
      for (const whole of queue) {
        if (input.signal?.aborted) {
          for (const t of whole) {
            finish(t.name, 'cancelled', [], packedMap.get(t.name) ?? null);
            done.set(t.name, false);
          }
          continue;
        }
        const later: PlannedTarget[] = [];
        const group = input.adapter.batching === 'whole' ? whole : runnableOf(whole, done, later);
        if (group.length === 0) {
          if (later.length > 0) next.push(later);
          continue;
        }
        await backoff.wait();
        const outcomes = await runOnce(group, early);
        const again: PlannedTarget[] = [];
        const unreported: PlannedTarget[] = [];
        // members settle side by side (a read each): the slot frees one read after the process ends
        const settledAll = await Promise.all(
          group.map(async (target) => {
            const outcome = outcomes.get(target.name) ?? { kind: 'not-attempted' };
            return { target, outcome, settled: await settle(target, outcome) };
          }),
        );
        for (const { target, outcome, settled } of settledAll) {
          if (settled === 'again') {
            const whole = input.adapter.batching === 'whole' && !input.signal?.aborted;
            if (whole && outcome.kind === 'not-attempted') unreported.push(target);
            else again.push(target);
          } else done.set(target.name, settled);
        }
        // changesets skipped, lost or never tried them: the registry says whether they are there
        // (in dependency order, so a dependent sees its dependency's fate). When what stopped it
        // turned out to be published (a lost answer), the rest is tried again, within --retries.
        const noFailure = group.every((t) => done.get(t.name) !== false);
        rounds += 1;
        for (const target of unreported) {
          const settled = await settleUnreported(
            target,
            failedDepsOf(target),
            noFailure && rounds <= input.retries,
          );
          if (settled === 'again') again.push(target);
          else done.set(target.name, settled);
        }
        if (input.adapter.batching === 'whole') {
          if (again.length > 0) next.push(again);
        } else for (const t of again) next.push([t]);
        if (later.length > 0) next.push(later);
      }
      queue = next;
    }
    return done;
  };

  const states = await publishInOrder(
    input.targets.map((t) => ({ name: t.name, deps: t.deps })),
    {
      concurrency: limit,
      backoff,
      batching: input.adapter.batching,
      chains,
      acceptsEarly,
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
      finish(name, 'blocked', [dependencyBlocked(blockers)], packedMap.get(name) ?? null);
    } else if (state === 'cancelled') {
      finish(name, 'cancelled', [], packedMap.get(name) ?? null);
    } else {
      finish(name, 'failed', [problem('PUBLISH_FAILED', 'error', `${name} was not published.`, null)], null);
    }
  }
  return records;
}
