// The e2e release matrix (issue 10): which publisher generations a cell runs, and the monorepo
// each cell releases. A cell's tools come from the tool cache (packages/testing/src/provision);
// their bin folders go first on PATH for the publisher's process, so npm 12, pnpm 11 and
// changesets 3 run on Node 22 while Provenant itself runs on the Node given (default the host's).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  provisionTools,
  run,
  toolchainEnv,
  writeYarnrc,
  type ProvisionedTool,
  type ToolId,
} from '../../packages/testing/dist/index.js';
import { fixture, fourPackages, signingEnv, trustFlags, type Rig } from './rig.js';
import { runCli, type CliResult } from './run-cli.js';

export type Manager = 'npm' | 'pnpm' | 'yarn';

export interface MatrixCell {
  /** The test's name and the package scope (`@mx-<id>`). */
  id: string;
  manager: Manager;
  publisher: 'npm' | 'pnpm' | 'yarn' | 'changesets';
  /** The publisher's tools, the one whose Node the publisher's processes should see first. */
  tools: ToolId[];
  /** The Node running Provenant itself (default the host's). */
  provenantNode?: 22 | 24;
  /**
   * false: the publisher's signer cannot work on an offline rig (pnpm 12 loads Sigstore's TUF
   * repository from tuf-repo-cdn.sigstore.dev; /work/coord/matrix-findings.md has the evidence).
   * The cell then proves the safe failure: nothing reaches the registry without provenance.
   */
  signsOffline?: false;
  /** In the subset CI runs by default (every generation once); the rest need PROVENANT_FULL_MATRIX=1. */
  ci: boolean;
}

// CI runs the `ci` cells: every publisher generation at least once (npm 11 through changesets 3,
// pnpm 9 through changesets 2, yarn 4 through changesets 3), and Provenant itself on Node 22 and 24.
export const CELLS: MatrixCell[] = [
  { id: 'npm-10', manager: 'npm', publisher: 'npm', tools: ['npm-10'], provenantNode: 22, ci: true },
  { id: 'npm-11', manager: 'npm', publisher: 'npm', tools: ['npm-11'], ci: false },
  { id: 'npm-12', manager: 'npm', publisher: 'npm', tools: ['npm-12'], provenantNode: 24, ci: true },
  { id: 'pnpm-9', manager: 'pnpm', publisher: 'pnpm', tools: ['pnpm-9'], ci: false },
  { id: 'pnpm-10', manager: 'pnpm', publisher: 'pnpm', tools: ['pnpm-10'], ci: true },
  { id: 'pnpm-11', manager: 'pnpm', publisher: 'pnpm', tools: ['pnpm-11'], ci: true },
  { id: 'pnpm-12', manager: 'pnpm', publisher: 'pnpm', tools: ['pnpm-12'], signsOffline: false, ci: true },
  { id: 'yarn-4', manager: 'yarn', publisher: 'yarn', tools: ['yarn-4'], ci: false },
  { id: 'cs2-npm', manager: 'npm', publisher: 'changesets', tools: ['changesets-2', 'npm-11'], ci: false },
  { id: 'cs2-pnpm', manager: 'pnpm', publisher: 'changesets', tools: ['changesets-2', 'pnpm-9'], ci: true },
  { id: 'cs2-yarn', manager: 'yarn', publisher: 'changesets', tools: ['changesets-2', 'yarn-4'], ci: false },
  { id: 'cs3-npm', manager: 'npm', publisher: 'changesets', tools: ['changesets-3', 'npm-11'], ci: true },
  { id: 'cs3-pnpm', manager: 'pnpm', publisher: 'changesets', tools: ['changesets-3', 'pnpm-10'], ci: false },
  { id: 'cs3-yarn', manager: 'yarn', publisher: 'changesets', tools: ['changesets-3', 'yarn-4'], ci: true },
];

/** The cells to run: all with PROVENANT_FULL_MATRIX=1, else the CI subset. */
export function selectedCells(env: NodeJS.ProcessEnv = process.env): MatrixCell[] {
  return env.PROVENANT_FULL_MATRIX === '1' ? CELLS : CELLS.filter((cell) => cell.ci);
}

/** Fails (printing nothing secret) only when FAIL_PUBLISH is set: npm/pnpm run prepublishOnly, yarn prepublish. */
const failWhenAsked =
  'node -e "if (process.env.FAIL_PUBLISH) { console.error(\'error: refusing to publish\'); process.exit(1) }"';

export interface PreparedCell {
  dir: string;
  scope: string;
  tools: ProvisionedTool[];
  /** PATH with the cell's tools first (and the rig's default shims after them). */
  path: string;
  /** The Node binary that runs Provenant. */
  provenantNodeBin: string;
  /** The publisher's version as the cell runs it. */
  publisherVersion: string;
}

/** Provisions the cell's tools and writes its committed monorepo: a ← b ← c, and d alone. */
export async function prepareCell(rig: Rig, cell: MatrixCell): Promise<PreparedCell> {
  const ids: ToolId[] = cell.provenantNode ? [...cell.tools, `node-${cell.provenantNode}`] : cell.tools;
  const provisioned = await provisionTools(ids);
  const tools = provisioned.filter((tool) => tool.command !== 'node');
  const provenantNodeBin = provisioned.find((tool) => tool.command === 'node')?.bin ?? process.execPath;
  const path = toolchainEnv(tools, signingEnv(rig)).PATH ?? '';
  const env = { ...signingEnv(rig), PATH: path, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' };
  const byCommand = (command: string) => tools.find((tool) => tool.command === command);
  const changesets = byCommand('changeset');
  const manager = byCommand(cell.manager) ?? byCommand('npm');

  const scope = `@mx-${cell.id}`;
  const range = cell.manager === 'npm' ? '^1.0.0' : 'workspace:^';
  const packages = fourPackages(scope, range).map((pkg) =>
    pkg.name === `${scope}/b`
      ? { ...pkg, manifest: { scripts: { prepublishOnly: failWhenAsked, prepublish: failWhenAsked } } }
      : pkg,
  );
  // pnpm 12 resolves a `packageManager` pin as a config dependency from registry.npmjs.org,
  // whatever `.npmrc` says, and fails offline (ERR_PNPM_BAD_CONFIG_DEP, or hangs): its repos go without one.
  const rootManifest: Record<string, unknown> = {
    packageManager:
      manager &&
      cell.manager !== 'npm' &&
      !(cell.manager === 'pnpm' && Number(manager.version.split('.')[0]) >= 12)
        ? `${cell.manager}@${manager.version}`
        : undefined,
  };
  const dir = await fixture(
    rig,
    { manager: cell.manager, packages, changesets: cell.publisher === 'changesets', rootManifest },
    { label: `matrix-${cell.id}` },
  );
  if (cell.manager === 'yarn') await writeYarnrc(dir, rig.registry);

  // The lockfile a real repository has (changesets 3 picks its tool from it).
  const install =
    cell.manager === 'npm'
      ? await run('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
          cwd: dir,
          env,
        })
      : await run(cell.manager, ['install'], { cwd: dir, env, timeoutMs: 150_000 });
  if (install.exitCode !== 0) throw new Error(`${cell.manager} install failed in ${dir}:\n${install.all}`);

  // `@changesets/cli` as an install leaves it (added after the install: it is not on the rig's registry).
  if (changesets) installChangesets(dir, changesets);
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'install', '--allow-empty'], { cwd: dir });
  const publisherTool = cell.publisher === 'changesets' ? changesets : byCommand(cell.publisher);
  return { dir, scope, tools, path, provenantNodeBin, publisherVersion: publisherTool?.version ?? '?' };
}

function installChangesets(dir: string, tool: ProvisionedTool): void {
  const manifestPath = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  manifest.devDependencies = { '@changesets/cli': tool.version };
  writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  mkdirSync(join(dir, 'node_modules', '@changesets'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  const link = join(dir, 'node_modules', '@changesets', 'cli');
  if (!existsSync(link)) symlinkSync(tool.packageDir, link, 'dir');
  const bin = join(dir, 'node_modules', '.bin', 'changeset');
  writeFileSync(bin, `#!/bin/sh\nexec "${tool.bin}" "$@"\n`);
  chmodSync(bin, 0o755);
}

/** `provenant release --json` for the cell: its PATH, its Provenant Node, the rig's trust material. */
export function releaseCell(
  rig: Rig,
  cell: PreparedCell,
  extraEnv: Record<string, string> = {},
): Promise<CliResult> {
  return runCli(['release', '--json', ...trustFlags(rig), '--verify-timeout', '30', '--access', 'public'], {
    cwd: cell.dir,
    env: { ...signingEnv(rig), PATH: cell.path, YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', ...extraEnv },
    nodeBin: cell.provenantNodeBin,
    timeoutMs: 170_000,
  });
}
