import { hasError, problem, type Problem } from '../problems.js';
import type { AttestationVerdict, SignerIdentity } from '../report/types.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import { checkAttestation, type AttestationKind, type CheckedAttestation } from './attestation.js';
import { checkIdentity, identityOf, toSignerIdentity } from './identity.js';
import { checkRegistrySignature } from './registry-signature.js';
import { checkStatement, checkTarball } from './statement.js';
import type { IdentityPolicy, VersionInput, VersionVerification } from './types.js';

/**
 * Verifies one published version against injected trust material: the
 * Sigstore bundles, the statements, the publish attestation, the identity
 * policy, the registry signature and (when given) the tarball bytes.
 * Synchronous and I/O-free; never throws — every failure is a problem.
 */
export function verifyVersion(
  input: VersionInput,
  trust: VerificationTrust,
  policy: IdentityPolicy = {},
): VersionVerification {
  const { name, version, dist } = input;
  const problems: Problem[] = [];
  const integrity = typeof dist.integrity === 'string' ? dist.integrity : '';

  const registry = checkRegistrySignature(
    { name, version, integrity, signatures: dist.signatures },
    trust.npmKeys,
    input.publishedAt ?? null,
  );
  if (input.tarballBytes) problems.push(...checkTarball(input.tarballBytes, integrity));

  const entries = readAttestations(input.attestationsDoc, problems);
  const verdicts: Record<AttestationKind, AttestationVerdict> = { provenance: 'missing', publish: 'missing' };
  let identity: SignerIdentity | null = null;

  for (const entry of entries ?? []) {
    const checked = checkAttestation(entry, trust);
    const own = [...checked.problems, ...statementProblems(checked, { name, version, integrity })];
    if (checked.kind === 'provenance' && checked.signer) {
      const certIdentity = identityOf(checked.signer, checked.logIndex);
      identity = toSignerIdentity(certIdentity);
      own.push(...checkIdentity(certIdentity, policy));
    }
    problems.push(...own);
    if (checked.kind === null) {
      if (!hasError(own)) {
        problems.push(
          problem('ATTESTATIONS_INVALID', 'info', `Ignored an attestation of unknown predicate type`),
        );
      }
      continue;
    }
    const verdict = hasError(own) ? 'invalid' : 'verified';
    if (verdicts[checked.kind] !== 'invalid') verdicts[checked.kind] = verdict;
  }

  if (entries !== null) {
    if (verdicts.provenance === 'missing') {
      problems.push(
        problem(
          'PROVENANCE_MISSING',
          'error',
          `${name}@${version} has no SLSA provenance attestation`,
          'Publish from CI with provenance on (npm publish --provenance, or NPM_CONFIG_PROVENANCE=true).',
        ),
      );
    }
    if (verdicts.publish === 'missing') {
      problems.push(
        problem('PUBLISH_ATTESTATION_MISSING', 'error', `${name}@${version} has no npm publish attestation`),
      );
    }
  }
  problems.push(...registry.problems);
  return {
    verification: {
      provenance: verdicts.provenance,
      publishAttestation: verdicts.publish,
      registrySignature: registry.verdict,
      identity,
    },
    problems,
  };
}

/** The `attestations` array of the document, or null (with a problem) when there is none to check. */
function readAttestations(doc: unknown, problems: Problem[]): unknown[] | null {
  if (doc === null || doc === undefined) {
    problems.push(
      problem(
        'ATTESTATIONS_MISSING',
        'error',
        'The registry has no attestations for this version',
        'Publish from a supported CI with provenance on; `provenant check` tells what is missing.',
      ),
    );
    return null;
  }
  let parsed: unknown = doc;
  if (typeof doc === 'string' || Buffer.isBuffer(doc)) {
    try {
      parsed = JSON.parse(doc.toString()) as unknown;
    } catch {
      problems.push(problem('ATTESTATIONS_INVALID', 'error', 'The attestations document is not JSON'));
      return null;
    }
  }
  const list = (parsed as { attestations?: unknown } | null)?.attestations;
  if (!Array.isArray(list)) {
    problems.push(
      problem('ATTESTATIONS_INVALID', 'error', 'The attestations document has no "attestations" array'),
    );
    return null;
  }
  if (list.length === 0) {
    problems.push(problem('ATTESTATIONS_MISSING', 'error', 'The attestations document is empty'));
    return null;
  }
  return list as unknown[];
}

function statementProblems(
  checked: CheckedAttestation,
  pkg: { name: string; version: string; integrity: string },
): Problem[] {
  // Unsigned or unverified content proves nothing; its signature problem is enough.
  if (!checked.signer || !checked.kind || !checked.statement) return [];
  return checkStatement(checked.kind, checked.statement, pkg);
}
