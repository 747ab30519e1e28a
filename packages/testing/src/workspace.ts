import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { toolVersions } from './tools.js';

const execFileAsync = promisify(execFile);

export interface FixturePackage {
  name: string;
  version?: string;
  /** Folder relative to the root. Default `packages/<name without scope>`. */
  dir?: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  publishConfig?: Record<string, unknown>;
  /** `repository` of the manifest; default: the workspace's, with `directory`. false: none. */
  repository?: string | Record<string, string> | false;
  /** Any other manifest fields. */
  manifest?: Record<string, unknown>;
  /** Extra files, relative to the package folder. */
  files?: Record<string, string>;
}

export interface WorkspaceSpec {
  /** How the root declares its workspaces (and its packageManager). Default `npm`. */
  manager?: 'npm' | 'pnpm' | 'yarn';
  /** e.g. `https://github.com/acme/widgets`; each package gets it as `git+<url>.git` with its directory. */
  repository?: string;
  packages: FixturePackage[];
  /** Extra root manifest fields. */
  rootManifest?: Record<string, unknown>;
  /** Extra files, relative to the root. */
  files?: Record<string, string>;
  /** Write `.changeset/config.json` (changesets' defaults, public access). */
  changesets?: boolean;
  /** `git init` and commit everything (changesets needs a repository). */
  git?: boolean;
}

export interface Workspace {
  dir: string;
  packages: Array<{ name: string; version: string; dir: string; path: string }>;
}

async function writeText(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

function manifestOf(pkg: FixturePackage, dir: string, spec: WorkspaceSpec): Record<string, unknown> {
  const manifest: Record<string, unknown> = {
    name: pkg.name,
    version: pkg.version ?? '1.0.0',
    description: `Fixture package ${pkg.name}`,
    license: 'MIT',
    main: 'index.js',
  };
  if (pkg.private) manifest.private = true;
  const repository =
    pkg.repository ??
    (spec.repository ? { type: 'git', url: `git+${spec.repository}.git`, directory: dir } : false);
  if (repository !== false) manifest.repository = repository;
  if (pkg.dependencies) manifest.dependencies = pkg.dependencies;
  if (pkg.devDependencies) manifest.devDependencies = pkg.devDependencies;
  if (pkg.publishConfig) manifest.publishConfig = pkg.publishConfig;
  return { ...manifest, ...pkg.manifest };
}

async function initGit(dir: string): Promise<void> {
  const git = (...args: string[]) => execFileAsync('git', args, { cwd: dir });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'rig@provenant.test');
  await git('config', 'user.name', 'Provenant rig');
  await git('config', 'commit.gpgsign', 'false');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'fixture');
}

/** Writes a monorepo fixture to `dir` (which may exist) and returns where its packages are. */
export async function makeWorkspace(dir: string, spec: WorkspaceSpec): Promise<Workspace> {
  const manager = spec.manager ?? 'npm';
  const packages: Workspace['packages'] = [];
  for (const pkg of spec.packages) {
    const pkgDir = pkg.dir ?? `packages/${pkg.name.replace(/^@[^/]+\//, '')}`;
    const path = join(dir, pkgDir);
    const manifest = manifestOf(pkg, pkgDir, spec);
    await writeText(join(path, 'package.json'), json(manifest));
    await writeText(join(path, 'index.js'), `module.exports = ${JSON.stringify(pkg.name)};\n`);
    await writeText(join(path, 'README.md'), `# ${pkg.name}\n`);
    for (const [file, content] of Object.entries(pkg.files ?? {})) await writeText(join(path, file), content);
    packages.push({ name: pkg.name, version: String(manifest.version), dir: pkgDir, path });
  }

  const globs = [...new Set(packages.map((p) => `${dirname(p.dir)}/*`))];
  const root: Record<string, unknown> = { name: 'fixture-monorepo', version: '0.0.0', private: true };
  if (manager === 'pnpm') {
    root.packageManager = `pnpm@${toolVersions().pnpm}`;
    await writeText(
      join(dir, 'pnpm-workspace.yaml'),
      `packages:\n${globs.map((g) => `  - '${g}'`).join('\n')}\n`,
    );
  } else {
    root.workspaces = globs;
    if (manager === 'yarn') root.packageManager = `yarn@${toolVersions().yarn}`;
  }
  await writeText(join(dir, 'package.json'), json({ ...root, ...spec.rootManifest }));
  await writeText(join(dir, '.gitignore'), 'node_modules/\n.yarn/\n.pnp.*\n');

  if (spec.changesets) {
    await writeText(
      join(dir, '.changeset', 'config.json'),
      json({
        $schema: 'https://unpkg.com/@changesets/config@3.1.1/schema.json',
        changelog: false,
        commit: false,
        fixed: [],
        linked: [],
        access: 'public',
        baseBranch: 'main',
        updateInternalDependencies: 'patch',
        ignore: [],
      }),
    );
  }
  for (const [file, content] of Object.entries(spec.files ?? {})) await writeText(join(dir, file), content);
  if (spec.git) await initGit(dir);
  return { dir, packages };
}
