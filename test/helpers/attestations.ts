// What the rig's registry serves as a version's attestations, checked the way a verifier checks
// them: each bundle against the rig's trusted root and npm keys, its statement against the
// tarball's integrity, and (for provenance) the signing certificate's claims.
import { expect } from 'vitest';
import {
  decodeStatement,
  signingCertificateClaims,
  verifyBundle,
  type InTotoStatement,
} from '../../packages/testing/dist/index.js';
import { packument, type loadRigTrust, type Rig, type ServedVersion } from './rig.js';

export type RigTrust = Awaited<ReturnType<typeof loadRigTrust>>;
type Signer = ReturnType<typeof verifyBundle>;

export interface ServedAttestation {
  predicateType: string;
  bundle: unknown;
}

/** `sha512-<base64>` → hex, as an in-toto subject digest holds it. */
export function sha512Hex(integrity: string): string {
  return Buffer.from(integrity.replace(/^sha512-/, ''), 'base64').toString('hex');
}

/** The version's dist and the attestations its `dist.attestations.url` serves. */
export async function attestationsOf(
  rig: Rig,
  name: string,
  version: string,
): Promise<{ dist: ServedVersion['dist']; attestations: ServedAttestation[] }> {
  const dist = (await packument(rig, name))?.versions?.[version]?.dist;
  expect(dist?.attestations?.url, `${name}@${version} has attestations`).toBeDefined();
  const response = await fetch(dist!.attestations!.url);
  expect(response.status).toBe(200);
  const { attestations } = (await response.json()) as { attestations: ServedAttestation[] };
  return { dist: dist!, attestations };
}

/** Verifies `bundle` with the rig's trust material; its statement must name the tarball of `integrity`. */
export function verifiedStatement(
  bundle: unknown,
  trust: RigTrust,
  integrity: string,
): { signer: Signer; statement: InTotoStatement } {
  const signer = verifyBundle(bundle, trust);
  const statement = decodeStatement(bundle);
  expect(statement.subject[0]?.digest.sha512).toBe(sha512Hex(integrity));
  return { signer, statement };
}

/** The signing certificate's SAN and extensions; the verified signer saw the same SAN. */
export function certificateClaims(
  bundle: unknown,
  signer: Signer,
): ReturnType<typeof signingCertificateClaims> {
  const claims = signingCertificateClaims(bundle);
  expect(signer.identity?.subjectAlternativeName).toBe(claims.san);
  return claims;
}
