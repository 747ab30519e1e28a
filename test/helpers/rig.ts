// The one e2e rig helper: a local Sigstore and registry per file, temp dirs that go with the
// rig, fixture monorepos (committed, with the rig's token), the signing CI environment, the
// release command, and the readers every e2e file asserts with (statuses and codes from --json,
// packuments, what Verdaccio stored, tree snapshots, secret scans).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  cleanEnv,
  githubActionsEnv,
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

export const REPOSITORY = 'https://github.com/acme/widgets';
export const WORKFLOW = '.github/workflows/release.yml';
/** A stack trace line (`    at fn (file:1:2)`). */
export const STACK_TRACE = /\n\s+at /;

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

/** `CODE:severity` of every environment problem. */
export function envCodes(result: CliResult): string[] {
  return (reportOf(result)?.environment.problems ?? []).map((p) => `${p.code}:${p.severity}`);
}

/** The packument the registry serves for `name`, or null (404). */
export async function packument(
  rig: Rig,
  name: string,
): Promise<{ versions?: Record<string, { dist: { integrity: string; attestations?: unknown } }> } | null> {
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

export function gitStatus(dir: string): string {
  return execFileSync('git', ['status', '--porcelain', '--ignored=no'], { cwd: dir, encoding: 'utf8' });
}

/** Every file under `dir` (node_modules and .git excluded) → its bytes, base64. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry === '.git') continue;
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** One hash over every file's path and bytes under `dir` (node_modules left out). */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === 'node_modules') continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Every file under `dir` (recursively, .git/provenant included, .git objects not), as bytes. */
export function filesUnder(dir: string, skip = /(^|\/)(node_modules|objects)$/): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (skip.test(path)) continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push([path, readFileSync(path)]);
    }
  };
  walk(dir);
  return out;
}

/**
 * Where the secret's bytes appear among `texts` (labelled outputs) and `files`. Also looks for it
 * URL-encoded and base64-encoded, as a redactor that missed it might have left it.
 */
export function secretLeaks(
  secret: string,
  texts: Record<string, string | Buffer>,
  files: string[] = [],
): string[] {
  const needles = [
    Buffer.from(secret),
    Buffer.from(encodeURIComponent(secret)),
    Buffer.from(Buffer.from(secret).toString('base64')),
  ];
  const leaks: string[] = [];
  for (const [label, text] of Object.entries(texts)) {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    if (needles.some((n) => bytes.includes(n))) leaks.push(label);
  }
  for (const file of files) {
    if (existsSync(file) && needles.some((n) => readFileSync(file).includes(n))) leaks.push(file);
  }
  return leaks;
}
