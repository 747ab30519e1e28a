// The tool cache outside the repository: packages fetched from the npm registry only, checked
// against the pinned integrity, extracted without running any install script. One lock per
// package folder, so two vitest forks (or two test runs) never fetch the same thing at once.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { lock } from 'proper-lockfile';
import { npmBin, run } from '../tools.js';
import type { ToolSource } from './versions.js';

const MARKER = '.provenant-complete';
/** One registry download or install: bounded, so an unreachable registry fails instead of hanging. */
const FETCH_TIMEOUT_MS = 240_000;
/** How long to wait for another process that holds the lock (it fetches the same package). */
const LOCK_WAIT_S = 600;

export class ProvisionError extends Error {
  override name = 'ProvisionError';
}

/** `$PROVENANT_TOOL_CACHE`, else `~/.cache/provenant-tools`. */
export function toolCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PROVENANT_TOOL_CACHE || join(homedir(), '.cache', 'provenant-tools');
}

/** `<cache>/<name>@<version>` with the scope's slash made safe for a folder name. */
export function packageCacheDir(
  source: { package: string; version: string },
  cache = toolCacheDir(),
): string {
  return join(cache, `${source.package.replace('/', '+')}@${source.version}`);
}

/** Whether a package is already complete in the cache (no lock, no network). */
export function isCached(source: ToolSource, cache = toolCacheDir()): boolean {
  return existsSync(join(packageCacheDir(source, cache), MARKER));
}

/**
 * The package folder in the cache, fetching it first when it is missing. For `pack` sources the
 * folder is the package itself; for `install` sources it is an npm prefix holding node_modules.
 */
export async function ensureCached(
  source: Extract<ToolSource, { kind: 'pack' | 'install' }>,
  cache = toolCacheDir(),
): Promise<{ dir: string; fetched: boolean }> {
  const dir = packageCacheDir(source, cache);
  if (existsSync(join(dir, MARKER))) return { dir, fetched: false };
  await mkdir(cache, { recursive: true });
  let compromised: Error | undefined;
  const release = await lock(dir, {
    realpath: false,
    lockfilePath: `${dir}.lock`,
    stale: 30_000,
    update: 5_000,
    retries: { retries: LOCK_WAIT_S, factor: 1, minTimeout: 1_000, maxTimeout: 1_000 },
    onCompromised: (error) => {
      compromised = error;
    },
  }).catch((error: unknown) => {
    throw new ProvisionError(`could not lock ${dir}.lock within ${LOCK_WAIT_S} s: ${String(error)}`);
  });
  try {
    // Another process may have finished it while we waited for the lock.
    if (existsSync(join(dir, MARKER))) return { dir, fetched: false };
    const staging = `${dir}.partial-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(staging, { recursive: true });
    try {
      if (source.kind === 'pack') await packAndExtract(source, staging);
      else await installInto(source, staging);
      if (compromised) throw new ProvisionError(`lost the lock on ${dir}: ${compromised.message}`);
      await rm(dir, { recursive: true, force: true });
      await rename(staging, dir);
      await writeFile(join(dir, MARKER), `${source.package}@${source.version} ${source.integrity}\n`);
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
    return { dir, fetched: true };
  } finally {
    await release().catch(() => undefined);
  }
}

/** `npm pack <spec> --json`, check the integrity twice (npm's report and our own hash), extract. */
async function packAndExtract(source: Extract<ToolSource, { kind: 'pack' }>, staging: string): Promise<void> {
  const spec = `${source.package}@${source.version}`;
  const result = await npm(
    ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', staging],
    staging,
  );
  if (result.exitCode !== 0) throw registryError(spec, result.all);
  const [report] = JSON.parse(result.stdout) as { filename: string; integrity: string }[];
  if (!report) throw new ProvisionError(`npm pack ${spec} reported no tarball`);
  if (report.integrity !== source.integrity)
    throw integrityError(spec, 'npm pack reported', report.integrity);
  const tarball = join(staging, report.filename);
  const actual = await sha512Integrity(tarball);
  if (actual !== source.integrity) throw integrityError(spec, 'the downloaded tarball hashes to', actual);
  const packageDir = join(staging, 'package');
  await mkdir(packageDir);
  const untar = await run(
    'tar',
    ['xzf', tarball, '-C', packageDir, '--strip-components=1', '--no-same-owner'],
    {
      cwd: staging,
      env: { PATH: process.env.PATH ?? '' },
      timeoutMs: FETCH_TIMEOUT_MS,
    },
  );
  if (untar.exitCode !== 0) throw new ProvisionError(`could not extract ${spec}: ${untar.all}`);
  await rm(tarball);
  // The folder becomes the package itself: move package/* up.
  await rename(packageDir, `${staging}.pkg`);
  await rm(staging, { recursive: true, force: true });
  await rename(`${staging}.pkg`, staging);
}

/** `npm install --ignore-scripts --prefix <staging> <spec>`, then check what the lockfile recorded. */
async function installInto(source: Extract<ToolSource, { kind: 'install' }>, staging: string): Promise<void> {
  const spec = `${source.package}@${source.version}`;
  await writeFile(join(staging, 'package.json'), '{ "private": true }\n');
  const result = await npm(
    ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--save-exact', '--prefix', staging, spec],
    staging,
  );
  if (result.exitCode !== 0) throw registryError(spec, result.all);
  const lockfile = JSON.parse(await readFile(join(staging, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; integrity?: string }>;
  };
  const entry = lockfile.packages[`node_modules/${source.package}`];
  if (entry?.version !== source.version) {
    throw new ProvisionError(
      `npm installed ${source.package}@${entry?.version ?? 'nothing'}, not ${source.version}`,
    );
  }
  if (entry.integrity !== source.integrity) {
    throw integrityError(spec, 'npm install recorded', entry.integrity ?? 'none');
  }
}

function npm(args: string[], cwd: string) {
  return run(
    npmBin(),
    [
      ...args,
      '--fetch-timeout=60000',
      '--fetch-retries=2',
      '--fetch-retry-mintimeout=2000',
      '--fetch-retry-maxtimeout=10000',
      '--loglevel=error',
    ],
    {
      cwd,
      env: registryEnv(),
      timeoutMs: FETCH_TIMEOUT_MS,
    },
  );
}

// Keep what reaches the registry (its address, proxies, CA); drop the npm_config_* a package
// manager running the tests sets for its scripts, and CI, so npm behaves as typed by hand.
const KEPT_NPM_CONFIG =
  /^npm_config_(registry|cache|userconfig|globalconfig|https?_proxy|proxy|noproxy|cafile|ca|strict_ssl)$/i;

function registryEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/^npm_/i.test(key) && !KEPT_NPM_CONFIG.test(key)) continue;
    env[key] = value;
  }
  return env;
}

async function sha512Integrity(file: string): Promise<string> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return `sha512-${hash.digest('base64')}`;
}

function integrityError(spec: string, what: string, actual: string): ProvisionError {
  return new ProvisionError(
    `${spec}: ${what} ${actual}, but versions.ts pins a different integrity; refusing to use it`,
  );
}

function registryError(spec: string, output: string): ProvisionError {
  const unreachable = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ECONNRESET|network|socket/i.test(output);
  const npmErrors = output.split('\n').filter((line) => /^npm error (?!A complete log)/.test(line));
  const lastLines = (npmErrors.length > 0 ? npmErrors.slice(0, 3) : output.trim().split('\n').slice(-4)).join(
    '\n',
  );
  return new ProvisionError(
    unreachable
      ? `cannot reach the npm registry to fetch ${spec} (is the network up, is the registry in ~/.npmrc reachable?)\n${lastLines}\n` +
          `Hint: provision once with network access (node packages/testing/dist/provision/cli.js --all) or point PROVENANT_TOOL_CACHE at a filled cache.`
      : `npm could not fetch ${spec}:\n${lastLines}`,
  );
}
