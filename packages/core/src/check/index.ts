import { existsSync, realpathSync } from 'node:fs';
import { detectCi, type CiEnvironment } from '../ci/index.js';
import type { Context, ExecFn } from '../context.js';
import { discoverWorkspace } from '../discover/index.js';
import type { Workspace } from '../discover/types.js';
import { planRelease, type ReleasePlan } from '../plan/index.js';
import { problem, type Problem } from '../problems.js';
import {
  detectPublisher,
  type DetectedPublisher,
  type PublisherRequest,
} from '../publish/detect-publisher.js';
import { chooseProvenanceVia } from '../publish/switches.js';
import { normalizeRegistryUrl } from '../registry/client.js';
import { publicFirstReads } from '../registry/public-first-reads.js';
import { authFor, readNpmConfig, type RegistryAuth } from '../registry/npm-config.js';
import type { EnvironmentReport, PackageReport, ProvenanceVia } from '../report/types.js';
import type { AuthMode } from './auth-rules.js';
import { checkAuth, type AuthStep } from './auth-step.js';
import { checkEnvironment, type CheckMode } from './environment-rules.js';
import { applyDependencyRules, checkPackage, statusOf } from './package-rules.js';
import { publisherRules } from './publisher-rules.js';
import { fetchPublishedVersions, packumentsToRead, type PackumentSource } from './published-versions.js';

export * from './environment-rules.js';
export * from './package-rules.js';
export * from './hints.js';
export * from './auth-rules.js';
export * from './static-token.js';
export * from './published-versions.js';

export interface CheckOptions {
  /** Any folder inside the monorepo. */
  cwd: string;
  mode?: CheckMode;
  /** `--registry`; else npm's configured registry. */
  registry?: string | null;
  filter?: readonly string[];
  tag?: string | null;
  access?: 'public' | 'restricted' | null;
  publisher?: PublisherRequest;
  provenanceVia?: ProvenanceVia | 'auto';
  /** Parallel registry requests (default 4). */
  concurrency?: number;
  /** Per-request timeout for the default registry client (default 15 s; one retry after a timeout). */
  timeoutMs?: number;
  /** `--auth` (SPEC §7): default auto. */
  auth?: AuthMode;
}

/** The side effects `check` uses; `nodeContext()` satisfies it. */
export interface CheckContext {
  env: Readonly<Record<string, string | undefined>>;
  exec: ExecFn;
  readFile: (path: string) => string | null;
  fetch?: typeof fetch;
  exists?: (path: string) => boolean;
  /** Home folder for the user `.npmrc` (tests pass a temp folder). */
  home?: string;
  /** The clock (exchange expiry, registry retry delays); default `Date.now`. */
  now?: () => number;
  /** Waits between registry retries; default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** The Node running this process: a publisher on it needs no `node --version` child. */
  runningNode?: Context['runningNode'];
  /** Replaces the registry client (tests, or a shared client in `release`). */
  packuments?: (registry: string, auth: RegistryAuth) => PackumentSource;
}

export interface CheckResult {
  registry: string;
  workspace: Workspace;
  ci: CiEnvironment;
  publisher: DetectedPublisher | null;
  /** The release plan `release` reuses: order, dist-tags, edges. */
  plan: ReleasePlan;
  /** Versions on the registry by name; null when unknown. */
  published: Map<string, string[] | null>;
  environment: EnvironmentReport;
  /** In publishing order. */
  packages: PackageReport[];
  /** How each package authenticates, and whether Provenant brokers OIDC tokens. */
  auth: AuthStep;
}

/** A workspace whose globs match no package folder publishes nothing, silently: say so. */
function noPackagesProblems(workspace: Workspace): Problem[] {
  if (workspace.root.tool === 'root' || workspace.packages.length > 0) return [];
  return [
    problem(
      'NO_PACKAGES',
      'warning',
      `The workspace at ${workspace.root.dir} (${workspace.root.tool}) has no packages: its workspace globs match no folder with a package.json.`,
      workspace.root.tool === 'pnpm'
        ? 'Check the `packages:` globs in pnpm-workspace.yaml (e.g. `- "packages/*"`).'
        : 'Check the "workspaces" globs in the root package.json (e.g. "workspaces": ["packages/*"]).',
    ),
  ];
}

/**
 * `provenant check`: discover → read packuments → plan → environment and
 * package rules. Changes no file and requests no token. Whole-run problems
 * (no workspace, unreadable manifest, bad registry URL) throw a
 * `ProvenantError`; everything else is a problem in the result.
 */
export async function checkWorkspace(options: CheckOptions, ctx: CheckContext): Promise<CheckResult> {
  const workspace = await discoverWorkspace(options.cwd);
  const root = workspace.root.dir;
  const exists = ctx.exists ?? existsSync;
  const now = ctx.now ?? Date.now;
  const npmConfig = readNpmConfig({
    env: ctx.env,
    projectDir: root,
    readFile: ctx.readFile,
    ...(ctx.home ? { home: ctx.home } : {}),
  });
  const registry = normalizeRegistryUrl(options.registry ?? npmConfig.registry);
  const auth = authFor(npmConfig, registry);
  const ci = detectCi(ctx.env);

  const concurrency = options.concurrency ?? 4;
  const source =
    ctx.packuments?.(registry, auth) ??
    // Public reads go out without the token (it is sent only if the registry answers 401/403):
    // provenance is for public packages, and a token checked on every read can cost more than the read.
    publicFirstReads({
      registry,
      auth,
      concurrency,
      // check must answer REGISTRY_UNREACHABLE promptly: a registry that accepts connections and never
      // answers cost 4 × 15 s with the client's default retries; now at most 2 × the timeout.
      timeoutMs: options.timeoutMs ?? 15_000,
      retry: { retries: 1 },
      fetch: ctx.fetch ?? globalThis.fetch.bind(globalThis),
      sleep: ctx.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
      now,
    });

  const byName = new Map(workspace.packages.map((p) => [p.name, p]));
  const wanted = packumentsToRead(workspace, options.filter ?? []);

  const [fetched, detection] = await Promise.all([
    fetchPublishedVersions(wanted, source, concurrency),
    detectPublisher({
      root,
      rootManifest: workspace.root.manifest,
      requested: options.publisher ?? 'auto',
      exec: ctx.exec,
      exists,
      readFile: ctx.readFile,
      env: ctx.env,
      runningNode: ctx.runningNode,
      realpath: realpathSync,
    }),
  ]);

  const plan = planRelease(workspace.packages, fetched.published, {
    filter: options.filter ?? [],
    tag: options.tag ?? null,
  });

  const publisher = detection.publisher;
  const authStep = await checkAuth({
    mode: options.auth ?? 'auto',
    registry,
    root,
    env: ctx.env,
    readFile: ctx.readFile,
    npmConfig,
    publisher,
    npmVersion: detection.npmVersion,
    fetch: ctx.fetch ?? globalThis.fetch.bind(globalThis),
    timeoutMs: options.timeoutMs ?? 15_000,
    concurrency,
    plan,
    published: fetched.published,
    now,
  });
  const requestedVia = options.provenanceVia ?? 'auto';
  const environmentProblems = [
    ...noPackagesProblems(workspace),
    ...detection.problems,
    ...checkEnvironment({
      mode: options.mode ?? 'check',
      ci,
      publisher,
      npmVersion: detection.npmVersion,
      requestedVia,
      registry,
    }),
    ...authStep.environment,
    ...fetched.problems,
    ...publisherRules({
      publisher,
      workspace,
      planned: plan.packages.map((p) => p.name),
      env: ctx.env,
      readFile: ctx.readFile,
      exists,
    }),
  ];

  const problemsByName = new Map<string, Problem[]>();
  for (const planned of plan.packages) {
    problemsByName.set(
      planned.name,
      checkPackage({
        pkg: byName.get(planned.name)!,
        planned,
        ciRepository: ci.repository,
        access: options.access ?? null,
      }).concat(authStep.packages.get(planned.name)?.problems ?? []),
    );
  }
  plan.cycles.forEach((cycle, i) => {
    for (const name of cycle) problemsByName.get(name)?.push(plan.problems[i]!);
  });
  applyDependencyRules(plan.packages, problemsByName, byName, fetched.published);

  const packages: PackageReport[] = plan.packages.map((planned) => {
    const problems = problemsByName.get(planned.name) ?? [];
    return {
      name: planned.name,
      version: planned.version,
      dir: planned.relativeDir,
      status: statusOf(planned, problems),
      problems,
      auth: planned.action === 'publish' ? (authStep.packages.get(planned.name)?.auth ?? null) : null,
      publish: null,
      verification: null,
    };
  });

  return {
    registry,
    workspace,
    ci,
    publisher,
    plan,
    published: fetched.published,
    environment: {
      ci: ci.ci,
      repository: ci.repository,
      runner: ci.runner,
      publisher: publisher ? { name: publisher.name, version: publisher.version } : null,
      npmVersion: detection.npmVersion,
      provenanceVia: publisher ? chooseProvenanceVia(publisher, requestedVia) : null,
      problems: environmentProblems,
    },
    packages,
    auth: authStep,
  };
}
