import type { Problem } from '../problems.js';
import type { VerificationReport } from '../report/types.js';

/** npm's registry signature entry in `dist.signatures`. */
export interface RegistrySignature {
  keyid: string;
  sig: string;
}

/** What the registry says about one version, as far as verification needs it. */
export interface VersionDist {
  integrity: string;
  tarball: string;
  attestations?: { url?: string; provenance?: { predicateType?: string } } | undefined;
  signatures?: RegistrySignature[] | undefined;
}

export interface VersionInput {
  name: string;
  version: string;
  dist: VersionDist;
  /** The attestations document (`{attestations:[{predicateType,bundle}]}`), or null when the registry has none. */
  attestationsDoc: unknown;
  /** The downloaded tarball, when `--tarball` asked for it. */
  tarballBytes?: Buffer | undefined;
  /** `packument.time[version]`: registry signature keys must be valid then. */
  publishedAt?: Date | null | undefined;
}

/** Who must have built the package. Unset fields are not checked. */
export interface IdentityPolicy {
  /** Any common form; compared normalised and case-sensitively. */
  expectRepository?: string | null | undefined;
  /** Workflow path in the source repository, e.g. `.github/workflows/release.yml`. */
  expectWorkflow?: string | null | undefined;
  /** `refs/tags/v1.2.3`, `refs/heads/main`; a bare `v1.2.3`/`main` also matches. */
  expectRef?: string | null | undefined;
  /** OIDC issuer URL; by default the one that matches the repository host. */
  expectIssuer?: string | null | undefined;
  /** Require `_npmUser.trustedPublisher`: the version was published through trusted publishing. */
  expectTrustedPublisher?: boolean | undefined;
}

export interface VersionVerification {
  verification: VerificationReport;
  problems: Problem[];
}

/** The two attestations npm stores per version, by predicate type. */
export const PROVENANCE_PREDICATE_TYPES: readonly string[] = [
  'https://slsa.dev/provenance/v0.2',
  'https://slsa.dev/provenance/v1',
];
export const PUBLISH_PREDICATE_TYPE = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
export const IN_TOTO_STATEMENT_TYPES: readonly string[] = [
  'https://in-toto.io/Statement/v0.1',
  'https://in-toto.io/Statement/v1',
];
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
