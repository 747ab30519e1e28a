// The CLI as users get it: `pnpm pack` of @provenant/core and @provenant/cli (from the
// current build), installed with `npm install <tgz>…` into a folder outside any workspace.
// Shared by the tarball, Action and own-release tests.
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import {
  cleanEnv,
  nerfDart,
  pnpmBin,
  run,
  type RegistryAuth,
  type RunResult,
} from '../../packages/testing/dist/index.js';
import { REPO_ROOT } from './run-cli.js';

export const PUBLISHED_PACKAGES = ['core', 'cli'] as const;

export function manifestOf(pkg: (typeof PUBLISHED_PACKAGES)[number]): { name: string; version: string } {
  return JSON.parse(readFileSync(join(REPO_ROOT, 'packages', pkg, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
}

export interface Tarballs {
  core: string;
  cli: string;
}

/** `pnpm pack` of core and cli into `dest` (pnpm rewrites `workspace:*` to the version). */
export async function packTarballs(dest: string): Promise<Tarballs> {
  await mkdir(dest, { recursive: true });
  const out: Partial<Tarballs> = {};
  for (const pkg of PUBLISHED_PACKAGES) {
    const result = await run(process.execPath, [pnpmBin(), 'pack', '--pack-destination', dest], {
      cwd: join(REPO_ROOT, 'packages', pkg),
      env: cleanEnv(),
      timeoutMs: 60_000,
    });
    if (result.exitCode !== 0) throw new Error(`pnpm pack of ${pkg} failed:\n${result.all}`);
    const { name, version } = manifestOf(pkg);
    out[pkg] = join(dest, `${name.replace('@', '').replace('/', '-')}-${version}.tgz`);
  }
  return out as Tarballs;
}

/** The environment of a plain user shell whose `node`/`npm` come from `nodeBinDir`. */
export function userEnv(nodeBinDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const base = cleanEnv();
  return { ...base, PATH: [nodeBinDir, base.PATH ?? ''].join(delimiter), NO_COLOR: '1', ...extra };
}

/** `npm install <tgz>…` into `dir` (created empty, no workspace around it): what a user does. */
export async function installTarballs(
  dir: string,
  tarballs: readonly string[],
  env: Record<string, string>,
): Promise<RunResult> {
  await mkdir(dir, { recursive: true });
  // An empty manifest stops npm from walking up into a workspace above `dir`.
  await writeFile(join(dir, 'package.json'), '{ "name": "tarball-user", "private": true }\n');
  const result = await run(
    'npm',
    ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...tarballs],
    {
      cwd: dir,
      env,
      timeoutMs: 240_000,
    },
  );
  if (result.exitCode !== 0) throw new Error(`npm install of the tarballs failed:\n${result.all}`);
  return result;
}

/** The installed `provenant` bin (a symlink to @provenant/cli/bin/provenant.js, `#!/usr/bin/env node`). */
export function installedBin(dir: string): string {
  return join(dir, 'node_modules', '.bin', 'provenant');
}

/** An npm user config for `registry` with its token; `scopeOnly` routes only `@provenant/*` there. */
export async function writeUserNpmrc(
  file: string,
  registry: RegistryAuth,
  scopeOnly: boolean,
): Promise<string> {
  const lines = [
    scopeOnly ? `@provenant:registry=${registry.url}` : `registry=${registry.url}`,
    `${nerfDart(registry.url)}:_authToken=${registry.token}`,
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  return file;
}

/** `npm publish <tgz>` of each tarball to `registry` (plain, no provenance): the CLI as released before. */
export async function publishTarballs(
  registry: RegistryAuth,
  tarballs: readonly string[],
  temp: string,
): Promise<void> {
  const userconfig = await writeUserNpmrc(join(temp, 'publish.npmrc'), registry, false);
  for (const tgz of tarballs) {
    const result = await run('npm', ['publish', tgz, '--access', 'public', '--provenance=false'], {
      cwd: temp,
      env: { ...cleanEnv(), NPM_CONFIG_USERCONFIG: userconfig },
      timeoutMs: 60_000,
    });
    if (result.exitCode !== 0) throw new Error(`npm publish ${tgz} failed:\n${result.all}`);
  }
}
