import type { PackageReport } from '../report/types.js';

/** The counts `npm audit signatures` prints, from an audit report's packages. */
export interface AuditCounts {
  audited: number;
  verifiedSignatures: number;
  verifiedAttestations: number;
  missingSignatures: PackageReport[];
  invalidSignatures: PackageReport[];
  invalidAttestations: PackageReport[];
}

const SIGNATURE_CODES = new Set(['REGISTRY_SIGNATURE_INVALID', 'KEY_UNKNOWN', 'KEY_EXPIRED']);

export function auditCounts(packages: readonly PackageReport[]): AuditCounts {
  const counts: AuditCounts = {
    audited: 0,
    verifiedSignatures: 0,
    verifiedAttestations: 0,
    missingSignatures: [],
    invalidSignatures: [],
    invalidAttestations: [],
  };
  for (const pkg of packages) {
    if (pkg.status === 'skipped') continue;
    counts.audited += 1;
    const v = pkg.verification;
    if (v?.registrySignature === 'verified') counts.verifiedSignatures += 1;
    if (v?.registrySignature === 'invalid') counts.invalidSignatures.push(pkg);
    if (
      v?.registrySignature === 'missing' &&
      pkg.problems.some((p) => p.code === 'REGISTRY_SIGNATURE_MISSING' && p.severity === 'error')
    )
      counts.missingSignatures.push(pkg);
    if (!v) continue;
    const attested = v.provenance !== 'missing' || v.publishAttestation !== 'missing';
    const attestationsInvalid =
      v.provenance === 'invalid' ||
      v.publishAttestation === 'invalid' ||
      pkg.problems.some((p) => p.code === 'ATTESTATIONS_MISSING' || p.code === 'ATTESTATIONS_INVALID');
    if (attested && !attestationsInvalid) counts.verifiedAttestations += 1;
    else if (attestationsInvalid && !pkg.problems.every((p) => SIGNATURE_CODES.has(p.code)))
      counts.invalidAttestations.push(pkg);
  }
  return counts;
}
