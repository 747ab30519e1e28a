import semver from 'semver';
import { DEPENDENCY_TYPES, type DependencyEdge, type PackageManifest } from './types.js';

/**
 * The edges from one manifest to other workspace packages. A range links the
 * local package when it says so (`workspace:`, `file:`, `link:`, `portal:`) or,
 * as npm and yarn do, when the local version satisfies it; `npm:` aliases and
 * ranges the local version misses point at the registry instead.
 */
export function internalEdges(
  from: string,
  manifest: PackageManifest,
  localVersions: ReadonlyMap<string, string>,
): DependencyEdge[] {
  const edges: DependencyEdge[] = [];
  for (const type of DEPENDENCY_TYPES) {
    const deps = manifest[type];
    if (!deps || typeof deps !== 'object' || Array.isArray(deps)) continue;
    for (const [to, rawRange] of Object.entries(deps as Record<string, unknown>)) {
      if (to === from || !localVersions.has(to)) continue;
      const range = typeof rawRange === 'string' ? rawRange : '';
      if (linksLocally(range, localVersions.get(to) ?? '')) edges.push({ from, to, type, range });
    }
  }
  return edges;
}

export function linksLocally(range: string, localVersion: string): boolean {
  if (/^(workspace|file|link|portal):/.test(range)) return true;
  if (/^[a-z+]+:/i.test(range) || range.includes('/')) return false; // npm:, git, URLs, tarballs
  if (range === '' || range === '*' || range === 'latest') return true;
  if (semver.valid(localVersion) === null) return false;
  return semver.satisfies(localVersion, range, { includePrerelease: true });
}
