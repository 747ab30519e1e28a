import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import semver from 'semver';
import { classifyResolved } from './classify.js';
import type { LockedPackage, Lockfile, SkippedDependency } from './types.js';

interface InstalledManifest {
  name?: unknown;
  version?: unknown;
  _integrity?: unknown;
  _resolved?: unknown;
}

/**
 * `--installed`: what `node_modules` holds, as `npm audit signatures` reads
 * it. Every package folder (nested, scoped, and pnpm's `.pnpm` store) gives
 * name@version; integrity comes from its `_integrity` when the installer wrote
 * one, else from the lockfile (`lockIntegrity`). Symlinks that leave
 * node_modules (workspaces, `link:`) are skipped.
 */
export function readInstalled(rootDir: string, lock: Lockfile | null, limit = 100_000): Lockfile {
  const fromLock = new Map<string, LockedPackage>();
  for (const p of lock?.packages ?? []) fromLock.set(`${p.name}@${p.version}`, p);
  const packages: LockedPackage[] = [];
  const skipped: SkippedDependency[] = [];
  const seen = new Set<string>();
  const visitModules = (modulesDir: string) => {
    for (const entry of safeReaddir(modulesDir)) {
      if (entry === '.bin' || entry === '.cache' || entry === '.package-lock.json') continue;
      if (entry === '.pnpm') {
        for (const store of safeReaddir(join(modulesDir, entry))) {
          visitModules(join(modulesDir, entry, store, 'node_modules'));
        }
        continue;
      }
      if (entry.startsWith('.')) continue;
      if (entry.startsWith('@')) {
        for (const child of safeReaddir(join(modulesDir, entry)))
          visitPackage(join(modulesDir, entry, child));
      } else visitPackage(join(modulesDir, entry));
    }
  };
  const visitPackage = (dir: string) => {
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (seen.has(real) || seen.size >= limit) return;
    seen.add(real);
    const manifest = readManifest(join(real, 'package.json'));
    if (!manifest || typeof manifest.name !== 'string' || typeof manifest.version !== 'string') return;
    const name = manifest.name;
    const inModules = real.split(sep).includes('node_modules');
    const resolved = typeof manifest._resolved === 'string' ? manifest._resolved : null;
    const reason = inModules ? classifyResolved(resolved, name) : 'link';
    const locked = fromLock.get(`${name}@${manifest.version}`);
    if (reason || semver.valid(manifest.version) === null) {
      skipped.push({
        name,
        spec: inModules ? (resolved ?? manifest.version) : relative(rootDir, real).split(sep).join('/'),
        reason: reason ?? 'file',
        dev: locked?.dev ?? false,
      });
      if (!inModules) return; // a workspace: its own dependencies are in the root node_modules
    } else {
      const integrity = typeof manifest._integrity === 'string' ? manifest._integrity : null;
      packages.push({
        name,
        version: manifest.version,
        integrity: integrity ?? locked?.integrity ?? null,
        dev: locked?.dev ?? false,
      });
    }
    visitModules(join(real, 'node_modules'));
  };
  visitModules(join(rootDir, 'node_modules'));
  return { kind: 'installed', file: 'node_modules', packages, skipped };
}

export function hasNodeModules(rootDir: string): boolean {
  return existsSync(join(rootDir, 'node_modules'));
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function readManifest(file: string): InstalledManifest | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as InstalledManifest;
  } catch {
    return null;
  }
}
