import semver from 'semver';
import type { Packument, PackumentVersion } from '../registry/packument.js';

/** An earlier version that had provenance (or a trusted publisher) when this one has neither. */
export interface Regression {
  earlier: { version: string; publishedAt: string; publisher: string | null; how: string };
  current: { version: string; publishedAt: string; publisher: string | null };
}

interface NpmUser {
  name?: unknown;
  trustedPublisher?: { id?: unknown } | null;
}

/** Provenance, or how it was published: dist.attestations or `_npmUser.trustedPublisher`. */
export function provenanceOf(manifest: PackumentVersion | undefined): string | null {
  if (!manifest) return null;
  const dist = manifest.dist;
  if (dist?.attestations) return 'provenance';
  const user = manifest._npmUser as NpmUser | undefined;
  const id = user?.trustedPublisher?.id;
  if (id) return `trusted publisher (${typeof id === 'string' ? id : 'unknown'})`;
  return null;
}

/**
 * SPEC §8: PROVENANCE_REGRESSED when an earlier version (semver-lower and
 * published earlier) had provenance or a trusted publisher and this one has
 * neither. The nearest such earlier version is named.
 */
export function findRegression(packument: Packument, version: string): Regression | null {
  const versions = packument.versions ?? {};
  const time = packument.time ?? {};
  if (provenanceOf(versions[version]) !== null) return null;
  const at = Date.parse(time[version] ?? '');
  if (Number.isNaN(at) || semver.valid(version) === null) return null;
  let best: string | null = null;
  for (const [other, manifest] of Object.entries(versions)) {
    if (semver.valid(other) === null || !semver.lt(other, version)) continue;
    const otherAt = Date.parse(time[other] ?? '');
    if (Number.isNaN(otherAt) || otherAt >= at) continue;
    if (provenanceOf(manifest) === null) continue;
    if (best === null || semver.gt(other, best)) best = other;
  }
  if (best === null) return null;
  return {
    earlier: {
      version: best,
      publishedAt: time[best]!,
      publisher: publisherOf(versions[best]),
      how: provenanceOf(versions[best])!,
    },
    current: { version, publishedAt: time[version]!, publisher: publisherOf(versions[version]) },
  };
}

function publisherOf(manifest: PackumentVersion | undefined): string | null {
  const name = (manifest?._npmUser as NpmUser | undefined)?.name;
  return typeof name === 'string' ? name : null;
}
