import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { execa } from 'execa';
import { repoRoot } from './package-paths.js';

const requireHere = createRequire(import.meta.url);
const requireFromRoot = createRequire(join(repoRoot, 'package.json'));

// Walks node_modules like require() does; `require.resolve('x/package.json')` fails for
// packages whose `exports` leave package.json out (pnpm's does).
function packageDir(require: NodeJS.Require, name: string): string {
  for (const base of require.resolve.paths(name) ?? []) {
    if (existsSync(join(base, name, 'package.json'))) return join(base, name);
  }
  throw new Error(`${name} is not installed`);
}

/** The folder of a repository dependency: one of this package's (`testing`) or of the root. */
export function dependencyDir(name: string, from: 'testing' | 'root'): string {
  return packageDir(from === 'testing' ? requireHere : requireFromRoot, name);
}

/** pnpm 9 from this package's `pnpm` dependency (a JS file: run it with node, or use the shim). */
export function pnpmBin(): string {
  return join(packageDir(requireHere, 'pnpm'), 'bin', 'pnpm.cjs');
}

/** yarn berry from `@yarnpkg/cli-dist`. */
export function yarnBin(): string {
  return join(packageDir(requireHere, '@yarnpkg/cli-dist'), 'bin', 'yarn.js');
}

/** `changeset` from the root devDependency `@changesets/cli`. */
export function changesetBin(): string {
  return join(packageDir(requireFromRoot, '@changesets/cli'), 'bin.js');
}

function versionOf(require: NodeJS.Require, name: string): string {
  const manifest = JSON.parse(readFileSync(join(packageDir(require, name), 'package.json'), 'utf8'));
  return (manifest as { version: string }).version;
}

/** Versions of the pinned publishers (for `packageManager` fields and reports). */
export function toolVersions(): { pnpm: string; yarn: string; changesets: string } {
  return {
    pnpm: versionOf(requireHere, 'pnpm'),
    yarn: versionOf(requireHere, '@yarnpkg/cli-dist'),
    changesets: versionOf(requireFromRoot, '@changesets/cli'),
  };
}

/** The system `npm` found on PATH. */
export function npmBin(path = process.env.PATH ?? ''): string {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, 'npm');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  throw new Error('npm not found on PATH');
}

let shimDir: string | undefined;

/** A temp dir (made once per process) with `pnpm`, `yarn` and `changeset` shims that run the pinned copies. */
export function toolShimDir(): string {
  if (shimDir) return shimDir;
  const dir = mkdtempSync(join(tmpdir(), 'provenant-bin-'));
  mkdirSync(dir, { recursive: true });
  const shims: Record<string, string> = { pnpm: pnpmBin(), yarn: yarnBin(), changeset: changesetBin() };
  for (const [name, script] of Object.entries(shims)) {
    writeFileSync(join(dir, name), `#!/bin/sh\nexec "${process.execPath}" "${script}" "$@"\n`, {
      mode: 0o755,
    });
  }
  shimDir = dir;
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** `base` with the shim dir and the running node's dir first on PATH. */
export function toolPathEnv(base: Record<string, string | undefined> = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const path = [toolShimDir(), dirname(process.execPath), base.PATH ?? ''].filter(Boolean).join(delimiter);
  return { ...env, PATH: path };
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved */
  all: string;
  durationMs: number;
}

export interface RunOptions {
  cwd: string;
  /** The whole environment (not merged with process.env). */
  env: Record<string, string>;
  timeoutMs?: number;
}

/** Runs a command to completion, never throwing on a non-zero exit; killed with the test process. */
export async function run(command: string, args: string[], options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const result = await execa(command, args, {
    cwd: options.cwd,
    env: options.env,
    extendEnv: false,
    reject: false,
    all: true,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 120_000,
    cleanup: true,
  });
  return {
    exitCode: result.exitCode ?? -1,
    stdout: result.stdout,
    stderr: result.stderr,
    all: result.all ?? '',
    durationMs: Date.now() - started,
  };
}
