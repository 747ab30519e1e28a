import { TrustedRoot } from '@sigstore/protobuf-specs';
import { Verifier, VerificationError, toTrustMaterial, type TrustMaterial } from '@sigstore/verify';
import { ProvenantError, messageOf } from '../errors.js';
import { isValidAt, lookupNpmKey, parseNpmKeys, type NpmKey } from './npm-keys.js';

export type TrustSource = 'given' | 'offline' | 'online';

/**
 * Everything the verifier trusts, built once and handed in (the verifier does
 * no I/O): Sigstore's roots (Fulcio CAs, Rekor logs, CT logs, TSAs) with
 * npm's attestation keys as the keyed-signature finder, and npm's keys for
 * registry signatures.
 */
export interface VerificationTrust {
  source: TrustSource;
  material: TrustMaterial;
  npmKeys: readonly NpmKey[];
  /** One Sigstore verifier reused for every bundle. */
  verifier: Verifier;
  /** The documents it was built from: verification threads rebuild it from them. */
  documents: { trustedRoot: unknown; npmKeys: unknown };
}

export function createVerificationTrust(
  trustedRootJson: unknown,
  npmKeysJson: unknown,
  source: TrustSource,
): VerificationTrust {
  const npmKeys = parseNpmKeys(npmKeysJson);
  let material: TrustMaterial;
  try {
    const root = TrustedRoot.fromJSON(trustedRootJson);
    if (root.certificateAuthorities.length === 0 || root.tlogs.length === 0) {
      throw new Error('it lists no certificate authority or no transparency log');
    }
    material = toTrustMaterial(root, (hint) => attestationKey(npmKeys, hint));
  } catch (cause) {
    throw new ProvenantError(
      'TRUST_MATERIAL_INVALID',
      `The Sigstore trusted root is unusable: ${messageOf(cause)}`,
      {
        hint: 'Pass a Sigstore trusted_root.json (application/vnd.dev.sigstore.trustedroot+json).',
        cause,
      },
    );
  }
  return {
    source,
    material,
    npmKeys,
    verifier: new Verifier(material),
    documents: { trustedRoot: trustedRootJson, npmKeys: npmKeysJson },
  };
}

/** The key finder @sigstore/verify calls with a bundle's `publicKey.hint`. */
function attestationKey(keys: readonly NpmKey[], hint: string) {
  const found = lookupNpmKey(keys, hint, 'npm:attestations', null);
  if (found.status !== 'ok') {
    throw new VerificationError({ code: 'PUBLIC_KEY_ERROR', message: `key not found: ${hint}` });
  }
  const all = keys.filter((k) => k.keyId === hint && k.usage === 'npm:attestations');
  return {
    publicKey: found.key.publicKey,
    validFor: (date: Date) => all.some((k) => isValidAt(k, date)),
  };
}
