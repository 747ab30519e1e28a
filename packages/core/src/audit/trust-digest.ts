import { createHash, type KeyObject } from 'node:crypto';
import type { VerificationTrust } from '../trust/trust-material.js';

/** A digest of everything the verifier trusts: a cached verdict is reused only under the same trust. */
export function trustDigest(trust: VerificationTrust): string {
  const hash = createHash('sha256');
  const key = (k: KeyObject) => k.export({ type: 'spki', format: 'der' }).toString('base64');
  const span = (v: { start?: Date; end?: Date } | undefined) =>
    `${v?.start?.toISOString() ?? ''}..${v?.end?.toISOString() ?? ''}`;
  for (const k of trust.npmKeys) {
    hash.update(
      `npm ${k.keyId} ${k.usage} ${k.validFrom?.toISOString() ?? ''} ${k.validUntil?.toISOString() ?? ''} ${key(k.publicKey)}\n`,
    );
  }
  const { material } = trust;
  for (const ca of [...material.certificateAuthorities, ...material.timestampAuthorities]) {
    hash.update(`ca ${span(ca.validFor)}`);
    for (const cert of ca.certChain)
      hash.update(` ${cert.publicKey.toString('base64')} ${cert.signatureValue.toString('base64')}`);
    hash.update('\n');
  }
  for (const log of [...material.tlogs, ...material.ctlogs]) {
    hash.update(`log ${log.logID.toString('hex')} ${span(log.validFor)} ${key(log.publicKey)}\n`);
  }
  return hash.digest('hex');
}
