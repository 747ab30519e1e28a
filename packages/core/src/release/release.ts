import { checkWorkspace, type AuthMode } from '../check/index.js';
import type { Context } from '../context.js';
import { ProvenantError } from '../errors.js';
import { hasError } from '../problems.js';
import { Journal, type RestoreOutcome } from '../provenance/journal.js';
import {
  applyProvenanceSwitch,
  planProvenanceSwitch,
  type ProvenanceViaChoice,
} from '../provenance/switch.js';
import type { PublisherRequest } from '../publish/detect-publisher.js';
import { publishLimit } from '../publish/in-flight.js';
import { measureNetwork } from '../publish/network-profile.js';
import { publishAll, type PublishRecord } from '../publish/publish-all.js';
import { buildReport } from '../report/build-report.js';
import type { PackageReport, Report } from '../report/types.js';
import type { TrustOptions } from '../trust/load-trust-options.js';
import type { IdentityPolicy } from '../verify/types.js';
import { adapterFor } from './adapter.js';
import { settleAuth, withBroker } from './auth-outcome.js';
import { formatInvocation, type ReleaseEvent } from './events.js';
import { publicFirstReads } from '../registry/public-first-reads.js';
import { dryRunCommands } from './dry-run.js';
import { startPackStep } from './pack-step.js';
import { mergeReports } from './merge-reports.js';
import { plannedTargets, registryReads } from './targets.js';
import { primeVerifier, startVerifyStep } from './verify-step.js';
import { tagPublished, type GitTagChoice, type TagOutcome } from './git-tag-step.js';

export interface ReleaseOptions {
  cwd: string;
  registry?: string | undefined;
  filter?: readonly string[];
  tag?: string | undefined;
  access?: 'public' | 'restricted' | undefined;
  publisher?: PublisherRequest;
  provenanceVia?: ProvenanceViaChoice;
  /** Parallel registry reads and verifications. */
  concurrency: number;
  /** `--concurrency` when given: exactly that many publishes in flight; undefined: adaptive. */
  publishConcurrency?: number | undefined;
  retries: number;
  /** Per registry read (packuments, attestations, tarballs); default 15 s. */
  registryTimeoutMs?: number | undefined;
  dryRun?: boolean;
  /** Publish the ready packages even when some are blocked by package-level problems. */
  force?: boolean;
  /** `--git-tag` / `--no-git-tag`; auto: on for changesets repos. */
  gitTag?: GitTagChoice;
  /** `--auth` (SPEC §7); default auto. */
  auth?: AuthMode;
  /** null: `--no-verify`. */
  verify: {
    policy: IdentityPolicy;
    tarball: boolean;
    trust: TrustOptions;
    timeoutMs: number;
  } | null;
}

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
  const check = await checkWorkspace(
    {
      cwd: options.cwd,
      mode: 'release',
      registry: options.registry ?? null,
      filter: options.filter ?? [],
      tag: options.tag ?? null,
      access: options.access ?? null,
      publisher: options.publisher ?? 'auto',
      provenanceVia: options.provenanceVia ?? 'auto',
      concurrency: options.concurrency,
      auth: options.auth ?? 'auto',
      timeoutMs: options.registryTimeoutMs,
    },
    {
      ...ctx,
      packuments: (registry, auth) =>
        publicFirstReads({
          registry,
          auth,
          concurrency: options.concurrency,
          timeoutMs: options.registryTimeoutMs,
          fetch: ctx.fetch,
          sleep: ctx.sleep,
          now: ctx.now,
        }),
    },
  );
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
  const network = measureNetwork(check.registry, ctx.fetch, undefined, undefined, ctx.env);
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
  // changesets 3.x would write its own git-tag events to changesets/action's file: ours replace them.
  const env = { ...ctx.env, CHANGESETS_OUTPUT: undefined };
  const byName = new Map(targets.map((t) => [t.name, t]));
  const verifier = options.verify
    ? startVerifyStep(
        {
          ...options.verify,
          policy: {
            ...options.verify.policy,
            expectRepository: options.verify.policy.expectRepository ?? check.ci.repository ?? undefined,
            expectWorkflow: options.verify.policy.expectWorkflow ?? check.ci.workflow?.path ?? undefined,
            expectRef: options.verify.policy.expectRef ?? check.ci.workflow?.ref ?? undefined,
            expectIssuer: options.verify.policy.expectIssuer ?? undefined,
          },
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
      ctx,
      env,
      extraEnv: sw.env,
      registry: check.registry,
      // it shares the machine with the publishers
      concurrency: Math.max(1, Math.floor(options.concurrency / 2)),
      signal: deps.signal,
    });
    disposePack = packStep.dispose;
    if (packStep.upFront) emit({ type: 'packing', names: targets.map((t) => t.name) });
    if (packStep.waitBeforePublishing) await packStep.packed;
    const tarballs = adapter.publishesPackedTarball ? await packStep.tarballs() : undefined;

    emit({ type: 'stage', stage: 'publish', detail: `Publishing with ${adapter.name} ${adapter.version}` });
    const published = await publishAll({
      adapter,
      targets,
      command: tarballs ? { ...command, tarballs } : command,
      packed: packStep.packed,
      // check saw every target absent from the registry
      absentBeforehand: true,
      concurrency: publishLimit(options.publishConcurrency, (await network).profile),
      retries: options.retries,
      exec: ctx.exec,
      env,
      getPackument: (name) => primeVerifier(client.getPackument(name), name, verifier),
      authEnv: brokered.authEnv,
      sleep: ctx.sleep,
      now: ctx.now,
      signal: deps.signal,
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
          verifyWhenPublished(event.record);
        }
      },
    });
    records = published;
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
  if (deps.signal?.aborted) {
    throw new ProvenantError('INTERRUPTED', 'Release interrupted; every changed file was restored.', {
      hint: 'Run release again: packages already published are skipped.',
    });
  }

  const tagging = tagPublished(options.gitTag ?? 'auto', check, records, ctx);
  const verifications = verifier ? await verifier.finish() : new Map<string, PackageReport>();
  const tagged = await tagging;
  const merged = mergeReports(check, records, verifications);
  return finish(
    tagged.apply(await settleAuth(merged, options.auth ?? 'auto', (name) => client.getPackument(name))),
    restored,
    [],
    tagged.tags,
  );
}
