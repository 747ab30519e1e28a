import semver from 'semver';
import { classifyResolved } from './classify.js';
import { lockfileError } from './errors.js';
import type { LockedPackage, Lockfile, SkippedDependency } from './types.js';

interface NpmLockEntry {
  name?: unknown;
  version?: unknown;
  resolved?: unknown;
  integrity?: unknown;
  link?: unknown;
  dev?: unknown;
  inBundle?: unknown;
}

/**
 * `package-lock.json` / `npm-shrinkwrap.json` v2 and v3 (and npm's hidden
 * `node_modules/.package-lock.json`): the `packages` map, keyed by install
 * location. Version 1 has no such map and is refused.
 */
export function readNpmLock(doc: unknown, file: string, kind: Lockfile['kind'] = 'npm'): Lockfile {
  const root = doc as { lockfileVersion?: unknown; packages?: unknown } | null;
  if (!root || typeof root !== 'object' || Array.isArray(root)) {
    throw lockfileError(file, 'is not a JSON object');
  }
  const version = root.lockfileVersion;
  if (version !== 2 && version !== 3) {
    throw lockfileError(
      file,
      `lockfileVersion ${JSON.stringify(version ?? null)} is not supported (2 or 3 are)`,
      'Run `npm install --lockfile-version 3` with npm 7 or later to rewrite the lockfile.',
    );
  }
  if (!root.packages || typeof root.packages !== 'object') {
    throw lockfileError(file, 'has no "packages" map');
  }
  const packages: LockedPackage[] = [];
  const skipped: SkippedDependency[] = [];
  for (const [location, raw] of Object.entries(root.packages as Record<string, NpmLockEntry>)) {
    if (location === '' || !raw || typeof raw !== 'object') continue;
    const at = location.lastIndexOf('node_modules/');
    const folderName = at >= 0 ? location.slice(at + 'node_modules/'.length) : location;
    const name = typeof raw.name === 'string' ? raw.name : folderName;
    const dev = raw.dev === true;
    const resolved = typeof raw.resolved === 'string' ? raw.resolved : null;
    if (at < 0) {
      // a workspace folder; its node_modules/<name> entry is the link to it
      continue;
    }
    if (raw.link === true) {
      skipped.push({ name, spec: resolved ?? location, reason: 'link', dev });
      continue;
    }
    if (raw.inBundle === true) {
      skipped.push({
        name,
        spec: typeof raw.version === 'string' ? raw.version : location,
        reason: 'bundled',
        dev,
      });
      continue;
    }
    const reason = classifyResolved(resolved, name);
    if (reason) {
      skipped.push({ name, spec: resolved ?? location, reason, dev });
      continue;
    }
    if (typeof raw.version !== 'string' || semver.valid(raw.version) === null) {
      throw lockfileError(
        file,
        `"${location}" has no valid version (${JSON.stringify(raw.version ?? null)})`,
      );
    }
    const integrity = typeof raw.integrity === 'string' ? raw.integrity : null;
    packages.push({ name, version: raw.version, integrity, dev });
  }
  return { kind, file, packages, skipped };
}
