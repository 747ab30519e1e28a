// Shared pieces of the reliability suites: generated monorepos pointed at any registry URL
// (the fault proxy, a slow server...), what Verdaccio itself stored, and the secret scan.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  makeTempDir,
  makeWorkspace,
  writeNpmrc,
  type FixturePackage,
} from '../../packages/testing/dist/index.js';
import { REPOSITORY, type Rig } from '../release-helpers.js';

/** `count` packages `<scope>/p00…`; from the 10th on each needs the one 10 before it. */
export function manyPackages(scope: string, count: number, range = '^1.0.0'): FixturePackage[] {
  return Array.from({ length: count }, (_, i) => {
    const name = `${scope}/p${String(i).padStart(2, '0')}`;
    const dep = i >= 10 ? `${scope}/p${String(i - 10).padStart(2, '0')}` : null;
    return dep ? { name, dependencies: { [dep]: range } } : { name };
  });
}

/** A committed git monorepo whose `.npmrc` points at `registryUrl` with the rig's token. */
export async function monorepo(
  rig: Rig,
  packages: FixturePackage[],
  options: { registryUrl?: string; manager?: 'npm' | 'pnpm'; files?: Record<string, string> } = {},
): Promise<string> {
  const dir = await makeTempDir('reliability');
  rig.temp.push(dir);
  await makeWorkspace(dir, {
    repository: REPOSITORY,
    git: true,
    packages,
    ...(options.manager ? { manager: options.manager } : {}),
    ...(options.files ? { files: options.files } : {}),
  });
  await writeNpmrc(dir, { url: options.registryUrl ?? rig.registry.url, token: rig.registry.token });
  execFileSync('git', ['add', '-A'], { cwd: dir });
  execFileSync('git', ['commit', '-qm', 'npmrc', '--allow-empty'], { cwd: dir });
  return dir;
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

/** Every file under `dir` (recursively, .git/provenant included, .git objects not), as text. */
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
 * Where the secret's bytes appear among `texts` (labelled outputs) and `files`.
 * Also looks for it URL-encoded and base64-encoded, as a redactor that missed it
 * might have left it.
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

export const STACK_TRACE = /\n\s+at /;
