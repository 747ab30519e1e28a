// The one e2e rig helper: a local Sigstore and registry per file, temp dirs that go with the
// rig, fixture monorepos (committed, with the rig's token), the signing CI environment, the
// release command, and the readers every e2e file asserts with (statuses and codes from --json,
// packuments, what Verdaccio stored, tree snapshots, secret scans).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import {
  changesetBin,
  cleanEnv,
  githubActionsEnv,
  loadTrustMaterial,
  makeTempDir,
  makeWorkspace,
  removeDir,
  startRegistry,
  startSigstore,
  toolPathEnv,
  writeNpmrc,
  type FixturePackage,
  type Registry,
  type Sigstore,
  type StartRegistryOptions,
  type WorkspaceSpec,
} from '../../packages/testing/dist/index.js';
import type { Report } from '../../packages/core/dist/index.js';
import { runCli, type CliResult } from './run-cli.js';

export * from './tree.js';

export const REPOSITORY = 'https://github.com/acme/widgets';
export const WORKFLOW = '.github/workflows/release.yml';
/** A stack trace line (`    at fn (file:1:2)`). */
export const STACK_TRACE = /\n\s+at /;

/**
 * A registry that refuses every connection at once. Port 2: below the ephemeral range
 * (32768–60999 on Linux) where every test server binds, nothing listens there, and fetch
 * does not bar it (port 1 is one of its "bad ports"). The port of a server just closed is
 * not safe: the kernel can hand it to another test file's server before the command under
 * test connects (a README test run once got answers there instead of REGISTRY_UNREACHABLE).
 */
export const REFUSING_REGISTRY = 'http://127.0.0.1:2/';

export interface Rig {
  sigstore: Sigstore;
  registry: Registry;
  /** Removed by stopRig. */
  temp: string[];
}

/** Sigstore (~0.2 s) and Verdaccio (~1.2 s) for one test file. */
export async function startRig(registryOptions: Omit<StartRegistryOptions, 'rekorUrl'> = {}): Promise<Rig> {
  const sigstore = await startSigstore();
  const registry = await startRegistry({ rekorUrl: sigstore.url, ...registryOptions });
  return { sigstore, registry, temp: [] };
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  await rig.registry.stop();
  await rig.sigstore.stop();
  await Promise.all(rig.temp.map((d) => removeDir(d)));
}

/**
 * The file's rig, started before its first test and stopped after its last. The object is
 * filled in by the hook, so tests use it as they would the result of startRig.
 */
export function useRig(registryOptions: Omit<StartRegistryOptions, 'rekorUrl'> = {}): Rig {
  const rig = { temp: [] } as unknown as Rig;
  beforeAll(async () => {
    Object.assign(rig, await startRig(registryOptions));
  });
  afterAll(() => stopRig('registry' in rig ? rig : undefined));
  return rig;
}

/** The rig's trust material (its Sigstore trusted root, its registry's keys), as a verifier loads it. */
export function loadRigTrust(rig: Rig): ReturnType<typeof loadTrustMaterial> {
  return loadTrustMaterial({
    trustedRootPath: rig.sigstore.trustedRootPath,
    npmKeysPath: rig.registry.npmKeysPath,
  });
}

/** A fresh temp dir, removed with the rig. */
export async function tempDir(rig: Rig, label: string): Promise<string> {
  const dir = await makeTempDir(label);
  rig.temp.push(dir);
  return dir;
}

/** The --json report of a run (typed from the built core). */
export function reportOf(result: CliResult): (Report & { error?: { code: string } }) | null {
  return result.json;
}

/** `<scope>/a`; `<scope>/b` → a; `<scope>/c` → b; `<scope>/d` alone. */
export function fourPackages(scope: string, range = '^1.0.0'): WorkspaceSpec['packages'] {
  return [
    { name: `${scope}/a` },
    { name: `${scope}/b`, dependencies: { [`${scope}/a`]: range } },
    { name: `${scope}/c`, dependencies: { [`${scope}/b`]: range } },
    { name: `${scope}/d` },
  ];
}

/** `count` packages `<scope>/p00…`; from the 10th on each needs the one 10 before it. */
export function manyPackages(scope: string, count: number, range = '^1.0.0'): FixturePackage[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${scope}/p${String(i).padStart(2, '0')}`;
    const dep = i >= 10 ? `${scope}/p${String(i - 10).padStart(2, '0')}` : null;
    return dep ? { name, dependencies: { [dep]: range } } : { name };
  });
}

export interface FixtureOptions {
  /** The registry the `.npmrc` names (default the rig's; e.g. a fault proxy in front of it). */
  registryUrl?: string;
  /** Write the rig's token (default true); false writes only the `registry=` line. */
  token?: boolean;
  /** The temp dir's label. */
  label?: string;
}

/**
 * A monorepo in a temp dir with `.npmrc` for the rig. With `git` (the default) it is a
 * repository whose last commit holds the `.npmrc`, as in a real CI checkout (the token file is
 * not a change Provenant made).
 */
export async function fixture(
  rig: Rig,
  spec: Partial<WorkspaceSpec> & Pick<WorkspaceSpec, 'packages'>,
  options: FixtureOptions = {},
): Promise<string> {
  const dir = await tempDir(rig, options.label ?? 'release-e2e');
  await makeWorkspace(dir, { repository: REPOSITORY, git: true, ...spec });
  const url = options.registryUrl ?? rig.registry.url;
  if (options.token === false) writeFileSync(join(dir, '.npmrc'), `registry=${url}\n`);
  else await writeNpmrc(dir, { url, token: rig.registry.token });
  if (spec.git !== false) {
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['commit', '-qm', 'npmrc', '--allow-empty'], { cwd: dir });
  }
  return dir;
}

/** The root's node_modules/.bin/changeset running the pinned changesets, as an install would leave it. */
export function linkChangesetBin(dir: string): void {
  const bin = join(dir, 'node_modules', '.bin', 'changeset');
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(bin, `#!/bin/sh\nexec "${process.execPath}" "${changesetBin()}" "$@"\n`);
  chmodSync(bin, 0o755);
}

/** yarn berry publishing every public workspace with provenance. */
export const YARN_PUBLISH_ALL = [
  'workspaces',
  'foreach',
  '-A',
  '--no-private',
  'npm',
  'publish',
  '--provenance',
  '--access',
  'public',
];

/** A clean environment with the pinned publishers on PATH and a GitHub Actions job that signs. */
export function signingEnv(rig: Rig, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...toolPathEnv(cleanEnv()),
    ...githubActionsEnv({ sigstore: rig.sigstore, repository: 'acme/widgets', workflow: WORKFLOW }),
    ...extra,
  };
}

/** The flags that make verification use the rig's trust material. */
export function trustFlags(rig: Rig): string[] {
  return ['--trusted-root', rig.sigstore.trustedRootPath, '--npm-keys', rig.registry.npmKeysPath];
}

/** `provenant release --json` with the rig's trust material, signing in a GitHub job. */
export function release(
  rig: Rig,
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(
    ['release', '--json', ...trustFlags(rig), '--verify-timeout', '20', '--access', 'public', ...args],
    { cwd: dir, env: signingEnv(rig, env), timeoutMs: 170_000 },
  );
}

export function statuses(result: CliResult): Record<string, string> {
  return Object.fromEntries((reportOf(result)?.packages ?? []).map((p) => [p.name, p.status]));
}

export function codes(result: CliResult, name: string): string[] {
  return (
    reportOf(result)
      ?.packages.find((p) => p.name === name)
      ?.problems.map((p) => p.code) ?? []
  );
}

/** `CODE:severity` of every problem of package `name` in a report. */
export function problemCodes(report: Report | null | undefined, name: string): string[] {
  return report?.packages.find((p) => p.name === name)?.problems.map((p) => `${p.code}:${p.severity}`) ?? [];
}

/** `CODE:severity` of every environment problem. */
export function envCodes(result: CliResult): string[] {
  return (reportOf(result)?.environment.problems ?? []).map((p) => `${p.code}:${p.severity}`);
}

/** A version as the registry serves it. */
export interface ServedVersion {
  dist: { integrity: string; attestations?: { url: string } };
  /** Who published it; `trustedPublisher` when it came through trusted publishing. */
  _npmUser?: { name: string; email?: string; trustedPublisher?: { id: string; oidcConfigId: string } };
}

/** The packument the registry serves for `name`, or null (404). */
export async function packument(
  rig: Rig,
  name: string,
): Promise<{ versions?: Record<string, ServedVersion> } | null> {
  const res = await fetch(new URL(name.replace('/', '%2f'), rig.registry.url), {
    headers: { accept: 'application/json' },
  });
  return res.status === 404 ? null : ((await res.json()) as never);
}

export interface StoredPackage {
  versions: Record<string, { dist?: { integrity?: string; attestations?: unknown } }>;
  time?: Record<string, string>;
}

/** What Verdaccio itself holds for `name` (its storage folder), or null. */
export function stored(rig: Rig, name: string): StoredPackage | null {
  const path = join(rig.registry.storageDir, ...name.split('/'), 'package.json');
  if (!existsSync(path)) return null;
  return JSON.parse(readFileSync(path, 'utf8')) as StoredPackage;
}

/** Tarballs Verdaccio stored for `name`. */
export function storedTarballs(rig: Rig, name: string): string[] {
  const dir = join(rig.registry.storageDir, ...name.split('/'));
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.tgz')) : [];
}
