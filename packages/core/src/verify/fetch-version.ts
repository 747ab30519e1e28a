import semver from 'semver';
import type { Packument, PackumentVersion } from '../registry/packument.js';
import type { VersionDist } from './types.js';
import type { VerifyRegistry, VersionSpec } from './verify-versions.js';

/**
 * Real attestations documents are ~10–20 KB (two bundles). Anything far bigger is
 * refused unread rather than buffered and parsed: a padded document must not verify.
 */
export const MAX_ATTESTATIONS_BYTES = 4 * 1024 * 1024;

export type Fetched =
  | { kind: 'missing-package' | 'missing-version'; message: string }
  | {
      kind: 'found';
      version: string;
      manifest: PackumentVersion;
      dist: VersionDist;
      publishedAt: Date | null;
      /**
       * Raw bytes (parsed by the verifier, so non-JSON is a clean problem), null on 404,
       * undefined when a verification thread is to read them from `attestationsPath`.
       */
      attestationsDoc: Buffer | null | undefined;
      attestationsPath: string;
    };

/**
 * Reads what verifying one version needs: its packument (once per run and
 * package, forgotten when the version is not there yet) and, unless a
 * verification thread is to read it, its attestations document.
 */
export async function fetchVersion(
  spec: VersionSpec,
  client: VerifyRegistry,
  packuments: Map<string, Promise<Packument | null>>,
  readAttestations: boolean,
): Promise<Fetched> {
  let read = packuments.get(spec.name);
  if (!read) {
    read = client.getJson(client.packumentPath(spec.name)) as Promise<Packument | null>;
    packuments.set(spec.name, read);
  }
  const packument = await read.catch((error: unknown) => {
    packuments.delete(spec.name);
    throw error;
  });
  // what is not there yet (a version published seconds ago) is read afresh next time
  const forget = () => packuments.get(spec.name) === read && packuments.delete(spec.name);
  if (packument === null || typeof packument !== 'object') {
    forget();
    return { kind: 'missing-package', message: `${spec.name} is not in the registry` };
  }
  const wanted = spec.version ?? 'latest';
  const version = semver.valid(wanted) ? wanted : packument['dist-tags']?.[wanted];
  const manifest = version ? packument.versions?.[version] : undefined;
  if (!version || !manifest) {
    forget();
    return { kind: 'missing-version', message: `${spec.name}@${wanted} is not in the registry` };
  }
  const { dist, publishedAt, attestationsPath } = versionFacts(
    spec.name,
    version,
    manifest,
    packument,
    client,
  );
  const attestationsDoc = readAttestations
    ? await client.getBuffer(attestationsPath, { maxBytes: MAX_ATTESTATIONS_BYTES })
    : undefined;
  return { kind: 'found', version, manifest, dist, publishedAt, attestationsDoc, attestationsPath };
}

/**
 * What the packument says about one of its versions, for verifying it: its `dist`, when it
 * was published (registry keys must be valid then), and where its attestations are
 * (`dist.attestations.url`, else the conventional path).
 */
export function versionFacts(
  name: string,
  version: string,
  manifest: PackumentVersion,
  packument: Packument,
  client: Pick<VerifyRegistry, 'packumentPath'>,
): { dist: VersionDist; publishedAt: Date | null; attestationsPath: string } {
  const raw = manifest.dist ?? {};
  const dist: VersionDist = {
    integrity: raw.integrity ?? '',
    tarball: raw.tarball ?? '',
    attestations: raw.attestations,
    signatures: raw.signatures?.map((s) => ({ keyid: String(s.keyid), sig: String(s.sig) })),
  };
  const time = packument.time?.[version];
  return {
    dist,
    publishedAt: time && !Number.isNaN(Date.parse(time)) ? new Date(time) : null,
    attestationsPath:
      raw.attestations?.url ?? `/-/npm/v1/attestations/${client.packumentPath(name)}@${version}`,
  };
}
