/** The fields of a registry packument Provenant reads. */
export interface PackumentDist {
  integrity?: string;
  shasum?: string;
  tarball?: string;
  attestations?: { url?: string; provenance?: { predicateType?: string } };
  signatures?: Array<{ keyid?: string; sig?: string }>;
}

export interface PackumentVersion {
  name?: string;
  version?: string;
  dist?: PackumentDist;
  repository?: unknown;
  [key: string]: unknown;
}

export interface Packument {
  name?: string;
  'dist-tags'?: Record<string, string>;
  versions?: Record<string, PackumentVersion>;
  time?: Record<string, string>;
  [key: string]: unknown;
}

export function publishedVersions(packument: Packument | null): string[] {
  return packument?.versions ? Object.keys(packument.versions) : [];
}
