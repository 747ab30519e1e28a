import type { Context } from '../context.js';
import { ProvenantError } from '../errors.js';
import { hasError } from '../problems.js';
import type { RestoreOutcome } from '../provenance/journal.js';
import { planProvenanceSwitch } from '../provenance/switch.js';
import { publishLimit } from '../publish/in-flight.js';
import { measureNetwork } from '../publish/network-profile.js';
import type { PublishRecord } from '../publish/publish-all.js';
import { buildReport } from '../report/build-report.js';
import type { PackageReport, Report } from '../report/types.js';
import { adapterFor } from './adapter.js';
import { settleAuth, withBroker } from './auth-outcome.js';
import { checkForRelease } from './check-step.js';
import { dryRunCommands } from './dry-run.js';
import type { ReleaseEvent } from './events.js';
import { tagPublished, type TagOutcome } from './git-tag-step.js';
import { mergeReports } from './merge-reports.js';
import { publishJournaled } from './publish-step.js';
import type { ReleaseOptions } from './release-options.js';
import { plannedTargets, registryReads } from './targets.js';
import { readsAfterPublish, releasePolicy, startVerifyStep } from './verify-step.js';

export type { ReleaseOptions } from './release-options.js';

export interface ReleaseDeps {
  ctx: Context;
  signal?: AbortSignal;
  onEvent?: (event: ReleaseEvent) => void;
}

export interface ReleaseResult {
  report: Report;
  /** Files put back after publishing (empty when nothing was changed). */
  restored: RestoreOutcome;
  /** The exact commands (with `--dry-run`). */
  commands: string[];
  /** The git tags for what was published (empty without --git-tag). */
  gitTags: TagOutcome[];
}

const NOTHING_RESTORED: RestoreOutcome = { restored: [], failed: [] };

/**
 * `provenant release`: check → switch provenance on (journaled) → pack →
 * publish in dependency order → restore every file → verify what was
 * published. Throws ProvenantError for whole-run problems, INTERRUPTED
 * (after restoring) when the signal fires.
 */
export async function runRelease(options: ReleaseOptions, deps: ReleaseDeps): Promise<ReleaseResult> {
  const { ctx } = deps;
  const emit = (event: ReleaseEvent) => deps.onEvent?.(event);
  emit({ type: 'stage', stage: 'check', detail: 'Checking the workspace, the environment and the registry' });
  const check = await checkForRelease(options, ctx);
  const root = check.workspace.root.dir;
  const finish = (
    packages: PackageReport[],
    restored = NOTHING_RESTORED,
    commands: string[] = [],
    gitTags: TagOutcome[] = [],
  ): ReleaseResult => ({
    report: buildReport({
      command: 'release',
      registry: check.registry,
      environment: check.environment,
      packages,
    }),
    restored,
    commands,
    gitTags,
  });

  const blocked = check.packages.some((p) => p.status === 'blocked');
  if (hasError(check.environment.problems) || check.publisher === null || (blocked && !options.force)) {
    return finish(check.packages);
  }
  const publisher = check.publisher;
  const brokered = withBroker(check, adapterFor(publisher, root), ctx, options.registryTimeoutMs);
  const adapter = brokered.adapter;
  if (blocked && adapter.batching === 'whole') {
    // changeset publish takes no package list: it would publish the blocked ones too.
    throw new ProvenantError(
      'CONFLICTING_FLAGS',
      `--force cannot leave blocked packages out with ${adapter.name}: it publishes every package itself.`,
      { hint: 'Fix the blocked packages, or publish with --publisher npm (or pnpm) to leave them out.' },
    );
  }
  const targets = plannedTargets(check);
  emit({ type: 'planned', names: targets.map((t) => t.name) });
  const sw = planProvenanceSwitch({
    publisher,
    via: options.provenanceVia ?? 'auto',
    root,
    packageDirs: targets.map((t) => t.dir),
    readFile: ctx.readFile,
  });
  check.environment.provenanceVia = sw.via;
  const command = {
    root,
    registry: check.registry,
    // npm refuses provenance for a package it cannot see is public (every first publish)
    // unless access is public; unscoped packages are always public, and scoped first
    // publishes without public access were blocked by check (ACCESS_NOT_PUBLIC).
    access: options.access ?? 'public',
    provenanceArgs: sw.args,
    provenanceEnv: sw.env,
  };

  // how far the registry is decides the default limit (and whether a batch may chain)
  const network = measureNetwork(check.registry, ctx.fetch, { env: ctx.env });
  if (options.dryRun) {
    // adaptive: shown as it starts (one package per process; under a saturated CPU it pairs them)
    const inFlight = publishLimit(options.publishConcurrency, (await network).profile);
    const commands = await dryRunCommands(adapter, targets, command, sw, inFlight, root);
    emit({
      type: 'dry-run',
      commands,
      fileChanges: sw.files.map((f) => ({ path: f.relPath, before: f.before, after: f.after })),
    });
    return finish(check.packages, NOTHING_RESTORED, commands);
  }

  const client = registryReads(check, root, ctx, options.concurrency, options.registryTimeoutMs);
  const byName = new Map(targets.map((t) => [t.name, t]));
  const verifier = options.verify
    ? startVerifyStep(
        {
          ...options.verify,
          policy: releasePolicy(options.verify.policy, check.ci),
          concurrency: options.concurrency,
        },
        {
          client,
          sw,
          sleep: ctx.sleep,
          now: ctx.now,
          onResult: (report) => emit({ type: 'verified', report }),
        },
      )
    : null;
  const verifyWhenPublished = (record: PublishRecord) => {
    const target = byName.get(record.name);
    if (!verifier || record.state !== 'published' || !target) return;
    emit({ type: 'verifying', names: [record.name] });
    verifier.add({ name: target.name, version: target.version, dir: target.relDir });
  };
  const afterPublish = readsAfterPublish(client, verifier);
  const { records, restored } = await publishJournaled({
    root,
    registry: check.registry,
    adapter,
    targets,
    command,
    sw,
    concurrency: options.concurrency,
    publishConcurrency: options.publishConcurrency,
    network,
    retries: options.retries,
    authEnv: brokered.authEnv,
    getPackument: (name) => afterPublish.read(name),
    ctx,
    signal: deps.signal,
    emit,
    onPublished: verifyWhenPublished,
  });

  const tagging = tagPublished(options.gitTag ?? 'auto', check, records, ctx);
  const verifications = verifier ? await verifier.finish() : new Map<string, PackageReport>();
  const tagged = await tagging;
  const merged = mergeReports(check, records, verifications);
  return finish(
    tagged.apply(await settleAuth(merged, options.auth ?? 'auto', afterPublish.holding)),
    restored,
    [],
    tagged.tags,
  );
}
