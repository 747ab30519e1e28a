// Shared set-up of the release end-to-end tests: one local Sigstore and
// registry per file, fixture monorepos, the signing CI environment, and a
// snapshot of every file so "restored byte for byte" can be asserted.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
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
  type Registry,
  type Sigstore,
  type WorkspaceSpec,
} from '../packages/testing/dist/index.js';
import type { Report } from '../packages/core/dist/index.js';
import { runCli, type CliResult } from './helpers/run-cli.js';

/** The --json report of a run (typed from the built core). */
export function reportOf(result: CliResult): (Report & { error?: { code: string } }) | null {
  return result.json;
}

export const REPOSITORY = 'https://github.com/acme/widgets';
export const WORKFLOW = '.github/workflows/release.yml';

export interface Rig {
  sigstore: Sigstore;
  registry: Registry;
  temp: string[];
}

export async function startRig(): Promise<Rig> {
  const sigstore = await startSigstore();
  const registry = await startRegistry({ rekorUrl: sigstore.url });
  return { sigstore, registry, temp: [] };
}

export async function stopRig(rig: Rig | undefined): Promise<void> {
  if (!rig) return;
  await rig.registry.stop();
  await rig.sigstore.stop();
  await Promise.all(rig.temp.map((d) => removeDir(d)));
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

export async function fixture(
  rig: Rig,
  spec: Partial<WorkspaceSpec> & Pick<WorkspaceSpec, 'packages'>,
): Promise<string> {
  const dir = await makeTempDir('release-e2e');
  rig.temp.push(dir);
  await makeWorkspace(dir, { repository: REPOSITORY, git: true, ...spec });
  await writeNpmrc(dir, rig.registry);
  if (spec.git !== false) {
    // the .npmrc (with the token) stays out of the commit, as in a real CI checkout
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['commit', '-qm', 'npmrc', '--allow-empty'], { cwd: dir });
  }
  return dir;
}

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

export function release(
  rig: Rig,
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(
    ['release', '--json', ...trustFlags(rig), '--verify-timeout', '20', '--access', 'public', ...args],
    {
      cwd: dir,
      env: signingEnv(rig, env),
      timeoutMs: 170_000,
    },
  );
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

export async function packument(
  rig: Rig,
  name: string,
): Promise<{ versions?: Record<string, { dist: { integrity: string; attestations?: unknown } }> } | null> {
  const res = await fetch(new URL(name.replace('/', '%2f'), rig.registry.url), {
    headers: { accept: 'application/json' },
  });
  return res.status === 404 ? null : ((await res.json()) as never);
}
