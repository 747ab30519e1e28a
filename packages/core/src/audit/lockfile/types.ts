/** One registry-resolved package version a lockfile (or node_modules) installs. */
export interface LockedPackage {
  name: string;
  version: string;
  /** The lockfile's SRI integrity; null when the format records none (yarn berry). */
  integrity: string | null;
  /** Reachable only through devDependencies (`--omit dev` drops it). */
  dev: boolean;
}

/** Why a dependency is not fetched from a registry. */
export type SkipReason = 'file' | 'link' | 'workspace' | 'git' | 'tarball' | 'patch' | 'bundled';

export interface SkippedDependency {
  name: string;
  /** What the lockfile names it by: a version, path or URL. */
  spec: string;
  reason: SkipReason;
  dev: boolean;
}

export type LockfileKind = 'npm' | 'pnpm' | 'yarn' | 'installed';

export interface Lockfile {
  kind: LockfileKind;
  /** Path of the file read (posix, relative to the root), or `node_modules`. */
  file: string;
  packages: LockedPackage[];
  skipped: SkippedDependency[];
}

/** Keeps the first of each name@version (a dev copy yields to a prod one). */
export function dedupe(lockfile: Lockfile): Lockfile {
  const byKey = new Map<string, LockedPackage>();
  for (const pkg of lockfile.packages) {
    const key = `${pkg.name}@${pkg.version}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, { ...pkg });
    else {
      seen.dev = seen.dev && pkg.dev;
      seen.integrity ??= pkg.integrity;
    }
  }
  const skipped = new Map<string, SkippedDependency>();
  for (const dep of lockfile.skipped) {
    const key = `${dep.name}@${dep.spec}`;
    const seen = skipped.get(key);
    if (!seen) skipped.set(key, { ...dep });
    else seen.dev = seen.dev && dep.dev;
  }
  const sort = <T extends { name: string }>(list: T[]) =>
    list.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...lockfile, packages: sort([...byKey.values()]), skipped: sort([...skipped.values()]) };
}
