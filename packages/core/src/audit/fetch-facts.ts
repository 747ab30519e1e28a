import { problem, type Problem } from '../problems.js';
import type { Packument } from '../registry/packument.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import { checkRegistrySignature } from '../verify/registry-signature.js';
import { versionFacts } from '../verify/fetch-version.js';
import type { VersionInput, VersionVerification } from '../verify/types.js';
import { verifyVersion } from '../verify/verify-version.js';
import { MAX_ATTESTATIONS_BYTES, type VerifyRegistry } from '../verify/verify-versions.js';
import type { VersionFacts } from './cache.js';
import { findRegression } from './regression.js';

export type FactsResult = { kind: 'found'; facts: VersionFacts } | { kind: 'missing'; problem: Problem };

/**
 * Fetches what the registry says about one version and runs the verify
 * engine on it: the registry signature always, the attestations only when
 * `dist.attestations` announces them (a version without provenance is not an
 * error by itself in an audit). Throws the client's ProvenantError on
 * registry failures.
 */
export async function fetchFacts(
  name: string,
  version: string,
  packument: Packument | null,
  client: VerifyRegistry,
  trust: VerificationTrust,
  /** Runs the verify engine elsewhere (a worker pool); default: here, synchronously. */
  verify?: (input: VersionInput) => Promise<VersionVerification>,
): Promise<FactsResult> {
  const manifest = packument?.versions?.[version];
  if (!packument || !manifest) {
    return {
      kind: 'missing',
      problem: problem(
        'VERSION_NOT_FOUND',
        'error',
        `${name}@${version} is not in the registry${packument ? '' : ` (no package ${name})`}`,
        'The lockfile names a version the registry does not have: unpublished, or another registry (check the scope registries in .npmrc).',
      ),
    };
  }
  const { dist, publishedAt, attestationsPath } = versionFacts(name, version, manifest, packument, client);
  let verification: VersionFacts['verification'];
  let problems: Problem[];
  if (dist.attestations) {
    const attestationsDoc = await client.getBuffer(attestationsPath, { maxBytes: MAX_ATTESTATIONS_BYTES });
    const input: VersionInput = { name, version, dist, attestationsDoc, publishedAt };
    ({ verification, problems } = verify ? await verify(input) : verifyVersion(input, trust, {}));
  } else {
    const signature = checkRegistrySignature(
      { name, version, integrity: dist.integrity, signatures: dist.signatures },
      trust.npmKeys,
      publishedAt,
    );
    verification = {
      provenance: 'missing',
      publishAttestation: 'missing',
      registrySignature: signature.verdict,
      identity: null,
    };
    problems = signature.problems;
  }
  return {
    kind: 'found',
    facts: {
      registryIntegrity: dist.integrity,
      verification,
      problems,
      regression: findRegression(packument, version),
      manifestRepository: normalizeRepositoryUrl(manifest.repository),
    },
  };
}
