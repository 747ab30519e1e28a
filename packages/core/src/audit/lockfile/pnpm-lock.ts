import semver from 'semver';
import { classifyResolved } from './classify.js';
import { lockfileError } from './errors.js';
import type { LockedPackage, Lockfile, SkipReason, SkippedDependency } from './types.js';

interface PnpmPackage {
  name?: unknown;
  version?: unknown;
  dev?: unknown;
  resolution?: {
    integrity?: unknown;
    tarball?: unknown;
    type?: unknown;
    directory?: unknown;
    repo?: unknown;
  };
}

type DepMap = Record<string, string | { version?: unknown }>;
interface PnpmImporter {
  dependencies?: DepMap;
  optionalDependencies?: DepMap;
  devDependencies?: DepMap;
}
interface PnpmLock {
  lockfileVersion?: unknown;
  importers?: Record<string, PnpmImporter>;
  packages?: Record<string, PnpmPackage>;
  snapshots?: Record<string, { dependencies?: DepMap; optionalDependencies?: DepMap }>;
}

/**
 * `pnpm-lock.yaml` v6 (`/name@version(peers)` keys, `dev` flags) and v9
 * (`name@version` keys; dev-ness computed from the importers through `snapshots`).
 */
export function readPnpmLock(doc: unknown, file: string): Lockfile {
  const lock = (doc ?? {}) as PnpmLock;
  const version =
    typeof lock.lockfileVersion === 'number' || typeof lock.lockfileVersion === 'string'
      ? String(lock.lockfileVersion)
      : '';
  const major = /^(\d+)(?:\.\d+)?$/.exec(version)?.[1];
  if (major !== '6' && major !== '9') {
    throw lockfileError(
      file,
      `lockfileVersion ${JSON.stringify(lock.lockfileVersion ?? null)} is not supported (6.x or 9.x are)`,
      'Run `pnpm install` with pnpm 8 or later to rewrite the lockfile.',
    );
  }
  const prodKeys = major === '9' ? prodClosure(lock) : null;
  const packages: LockedPackage[] = [];
  const skipped: SkippedDependency[] = [];
  for (const [key, raw] of Object.entries(lock.packages ?? {})) {
    const entry = raw ?? {};
    const id =
      splitKey(key.replace(/^\//, '').replace(/\(.*$/, '')) ??
      (typeof entry.name === 'string' ? { name: entry.name, version: key } : null);
    if (!id) throw lockfileError(file, `cannot read the package key ${JSON.stringify(key)}`);
    const name = typeof entry.name === 'string' ? entry.name : id.name;
    const dev = prodKeys ? !prodKeys.has(`${id.name}@${id.version}`) : entry.dev === true;
    const reason = skipReason(entry, id.version, name);
    if (reason) {
      skipped.push({ name, spec: id.version, reason, dev });
      continue;
    }
    const exact = typeof entry.version === 'string' ? entry.version : id.version;
    if (semver.valid(exact) === null) {
      throw lockfileError(file, `"${key}" has no valid version (${JSON.stringify(exact)})`);
    }
    const integrity = entry.resolution?.integrity;
    packages.push({ name, version: exact, integrity: typeof integrity === 'string' ? integrity : null, dev });
  }
  return { kind: 'pnpm', file, packages, skipped };
}

function skipReason(entry: PnpmPackage, spec: string, name: string): SkipReason | null {
  const resolution = entry.resolution ?? {};
  if (resolution.type === 'directory') return 'file';
  if (resolution.type === 'git' || typeof resolution.repo === 'string') return 'git';
  if (typeof resolution.tarball === 'string') {
    const fromSpec = classifyResolved(spec, name);
    if (fromSpec) return fromSpec;
    return (
      classifyResolved(resolution.tarball, name) ?? (resolution.tarball.startsWith('file:') ? 'file' : null)
    );
  }
  return classifyResolved(spec, name);
}

/** `@scope/name@1.0.0` → name and the rest after the version's `@`. */
export function splitKey(key: string): { name: string; version: string } | null {
  const at = key.indexOf('@', key.startsWith('@') ? 1 : 0);
  if (at <= 0 || at === key.length - 1) return null;
  return { name: key.slice(0, at), version: key.slice(at + 1) };
}

/** v9: every `name@version` reachable from an importer's dependencies or optionalDependencies. */
function prodClosure(lock: PnpmLock): Set<string> {
  const reached = new Set<string>();
  const queue: string[] = [];
  const visit = (name: string, ref: unknown) => {
    const version = typeof ref === 'string' ? ref : (ref as { version?: unknown } | null)?.version;
    if (typeof version !== 'string' || /^(link|file|workspace):/.test(version)) return;
    // An alias resolves to `real-name@version`.
    const key = /^@?[^@]+@/.test(version) && !/^\d/.test(version) ? version : `${name}@${version}`;
    if (reached.has(key)) return;
    reached.add(key);
    queue.push(key);
  };
  for (const importer of Object.values(lock.importers ?? {})) {
    for (const [name, ref] of Object.entries(importer?.dependencies ?? {})) visit(name, ref);
    for (const [name, ref] of Object.entries(importer?.optionalDependencies ?? {})) visit(name, ref);
  }
  while (queue.length > 0) {
    const snapshot = lock.snapshots?.[queue.pop()!];
    for (const [name, ref] of Object.entries(snapshot?.dependencies ?? {})) visit(name, ref);
    for (const [name, ref] of Object.entries(snapshot?.optionalDependencies ?? {})) visit(name, ref);
  }
  return new Set([...reached].map((key) => key.replace(/\(.*$/, '')));
}
