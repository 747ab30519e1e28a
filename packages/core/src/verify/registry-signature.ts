import { verify as verifySignature } from 'node:crypto';
import { problem, type Problem } from '../problems.js';
import type { AttestationVerdict } from '../report/types.js';
import { lookupNpmKey, type NpmKey } from '../trust/npm-keys.js';
import type { RegistrySignature } from './types.js';

export interface RegistrySignatureResult {
  verdict: AttestationVerdict;
  problems: Problem[];
}

/**
 * npm's registry signature: ECDSA P-256 / SHA-256 over
 * `${name}@${version}:${integrity}`, by the key whose `SHA256:` id is given,
 * valid when the version was published (when that time is known).
 */
export function checkRegistrySignature(
  pkg: { name: string; version: string; integrity: string; signatures?: RegistrySignature[] | undefined },
  keys: readonly NpmKey[],
  publishedAt: Date | null,
): RegistrySignatureResult {
  const signatures = Array.isArray(pkg.signatures) ? pkg.signatures : [];
  if (signatures.length === 0) {
    return {
      verdict: 'missing',
      problems: [
        problem(
          'REGISTRY_SIGNATURE_MISSING',
          'warning',
          `${pkg.name}@${pkg.version} has no registry signature (dist.signatures)`,
          'Registries other than registry.npmjs.org do not sign; the attestations still prove the content.',
        ),
      ],
    };
  }
  const message = Buffer.from(`${pkg.name}@${pkg.version}:${pkg.integrity}`, 'utf8');
  const problems: Problem[] = [];
  let verified = 0;
  for (const signature of signatures) {
    const keyId = String(signature?.keyid);
    const found = lookupNpmKey(keys, keyId, 'npm:signatures', publishedAt);
    if (found.status === 'unknown') {
      problems.push(
        problem(
          'KEY_UNKNOWN',
          'error',
          `Registry signature uses key ${keyId}, which npm's keys do not list`,
          'Refresh the trust material (drop --npm-keys/--offline) or check the registry.',
        ),
      );
      continue;
    }
    if (found.status === 'expired') {
      problems.push(
        problem(
          'KEY_EXPIRED',
          'error',
          `Registry signature key ${keyId} was not valid when the version was published (${publishedAt?.toISOString()})`,
        ),
      );
      continue;
    }
    let ok = false;
    try {
      ok = verifySignature(
        'sha256',
        message,
        found.key.publicKey,
        Buffer.from(String(signature.sig), 'base64'),
      );
    } catch {
      ok = false;
    }
    if (ok) verified += 1;
    else {
      problems.push(
        problem(
          'REGISTRY_SIGNATURE_INVALID',
          'error',
          `Registry signature by ${keyId} does not match ${pkg.name}@${pkg.version}:${pkg.integrity.slice(0, 20)}…`,
        ),
      );
    }
  }
  return { verdict: verified > 0 && problems.length === 0 ? 'verified' : 'invalid', problems };
}
