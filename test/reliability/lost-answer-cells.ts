// One fixture per publisher generation for the lost-answer cells of faults.test.ts: the
// provisioned publisher first on PATH (with the Node it needs), a three-package monorepo
// (b → a, c) pointed at a registry URL (the fault proxy), installed the way each tool needs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cleanEnv,
  makeTempDir,
  makeWorkspace,
  provisionTools,
  run,
  toolchainEnv,
  toolPathEnv,
  TOOLS,
  writeNpmrc,
  writeYarnrc,
  type ToolId,
} from '../../packages/testing/dist/index.js';
import { REPOSITORY, signingEnv, type Rig } from '../helpers/rig.js';

export interface GenerationCell {
  publisher: 'npm' | 'pnpm' | 'yarn' | 'changesets';
  /** The version the report must name. */
  version: string;
  /** Provisioned tools, the publisher first. */
  tools: ToolId[];
  manager: 'npm' | 'pnpm' | 'yarn';
}

const cell = (publisher: GenerationCell['publisher'], tools: ToolId[], manager: GenerationCell['manager']) =>
  [
    tools.join(' + '),
    { publisher, version: TOOLS[tools[0] as ToolId].source.version, tools, manager },
  ] as const;

/**
 * pnpm 12 is left out: its native signer needs Sigstore's TUF CDN (see RIG.md / issue 10).
 * CI runs the generations where the defect lived or the way of publishing is new (pnpm 9 as in
 * the issue, pnpm 11, changesets 3); PROVENANT_FULL_MATRIX=1 runs every one.
 */
// npm-11: npm packs only on demand (an uncertain answer), the path a lost answer takes
const CI_CELLS = new Set(['npm-11', 'pnpm-9', 'pnpm-11', 'changesets-3 + npm-11']);
const ALL_GENERATIONS: ReadonlyArray<readonly [string, GenerationCell]> = [
  cell('npm', ['npm-10'], 'npm'),
  cell('npm', ['npm-11'], 'npm'),
  cell('npm', ['npm-12'], 'npm'),
  cell('pnpm', ['pnpm-9'], 'pnpm'),
  cell('pnpm', ['pnpm-10'], 'pnpm'),
  cell('pnpm', ['pnpm-11'], 'pnpm'),
  cell('yarn', ['yarn-4'], 'yarn'),
  cell('changesets', ['changesets-2', 'npm-11'], 'npm'),
  cell('changesets', ['changesets-3', 'npm-11'], 'npm'),
  cell('changesets', ['changesets-3', 'pnpm-10'], 'pnpm'),
];

export const LOST_ANSWER_GENERATIONS = ALL_GENERATIONS.filter(
  ([label]) => process.env.PROVENANT_FULL_MATRIX === '1' || CI_CELLS.has(label),
);

export async function generationFixture(
  rig: Rig,
  spec: GenerationCell,
  scope: string,
  registryUrl: string,
): Promise<{ dir: string; env: Record<string, string>; packages: string[] }> {
  const tools = await provisionTools(spec.tools);
  const env = {
    PATH: toolchainEnv(tools, toolPathEnv(cleanEnv())).PATH ?? '',
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  };
  const range = spec.manager === 'npm' ? '^1.0.0' : 'workspace:^';
  const packages = [`${scope}/a`, `${scope}/b`, `${scope}/c`];
  const changesets = spec.publisher === 'changesets';
  const [a, b, c] = packages as [string, string, string];
  const manager = tools.find((t) => t.command === spec.manager);
  const dir = await makeTempDir('lost-answer');
  rig.temp.push(dir);
  await makeWorkspace(dir, {
    repository: REPOSITORY,
    git: true,
    manager: spec.manager,
    changesets,
    packages: [{ name: a }, { name: b, dependencies: { [a]: range } }, { name: c }],
    rootManifest: {
      // the version that runs (a pnpm 10/11 would otherwise switch to the fixture's default)
      ...(manager && spec.manager !== 'npm' ? { packageManager: `${spec.manager}@${manager.version}` } : {}),
    },
  });
  await writeNpmrc(dir, { url: registryUrl, token: rig.registry.token });
  const sh = (cmd: string, args: string[]) =>
    run(cmd, args, { cwd: dir, env: signingEnv(rig, env), timeoutMs: 120_000 });
  if (spec.manager === 'yarn') await writeYarnrc(dir, { url: registryUrl, token: rig.registry.token });
  const install =
    spec.manager === 'npm'
      ? await sh('npm', ['install', '--package-lock-only'])
      : await sh(spec.manager, ['install']);
  if (install.exitCode !== 0) throw new Error(`${spec.manager} install failed:\n${install.all}`);
  if (changesets) {
    // declared after the install: the registry holds no @changesets/cli
    const rootPath = join(dir, 'package.json');
    const root = JSON.parse(readFileSync(rootPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      rootPath,
      JSON.stringify({ ...root, devDependencies: { '@changesets/cli': spec.version } }, null, 2),
    );
    // the root's node_modules/.bin/changeset, as an install of @changesets/cli leaves it
    const binDir = join(dir, 'node_modules', '.bin');
    mkdirSync(binDir, { recursive: true });
    // a link to bin.js, as an install leaves it: it runs on the first `node` on PATH
    symlinkSync(join(tools[0]?.packageDir ?? '', 'bin.js'), join(binDir, 'changeset'));
    mkdirSync(join(dir, 'node_modules', '@changesets', 'cli'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', '@changesets', 'cli', 'package.json'),
      JSON.stringify({ name: '@changesets/cli', version: spec.version }),
    );
  }
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'install', '--allow-empty'], { cwd: dir });
  return { dir, env, packages };
}
