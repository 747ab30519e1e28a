import { readFile } from 'node:fs/promises';
import { bundleFromJSON } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import { PublicKeyDetails, TrustedRoot, type PublicKey } from '@sigstore/protobuf-specs';
import { Verifier, toSignedEntity, toTrustMaterial, type Signer, type TrustMaterial } from '@sigstore/verify';
import type { NpmKeysDocument } from '../registry/npm-keys.js';

// The rig's own check that what it produced verifies: the same @sigstore/verify line
// (3.1.x) that packages/core pins, fed with trust material handed in, never fetched.

export interface TrustFiles {
  trustedRootPath: string;
  /** `/-/npm/v1/keys` JSON: needed for the registry's publish attestations. */
  npmKeysPath?: string;
}

export function npmKeysToPublicKeys(doc: NpmKeysDocument): Record<string, PublicKey> {
  const keys: Record<string, PublicKey> = {};
  for (const key of doc.keys) {
    keys[key.keyid] = {
      rawBytes: Buffer.from(key.key, 'base64'),
      keyDetails: PublicKeyDetails.PKIX_ECDSA_P256_SHA_256,
      validFor: { start: new Date(0), end: key.expires ? new Date(key.expires) : undefined },
    };
  }
  return keys;
}

export async function loadTrustMaterial(files: TrustFiles): Promise<TrustMaterial> {
  const root = TrustedRoot.fromJSON(JSON.parse(await readFile(files.trustedRootPath, 'utf8')));
  const keys = files.npmKeysPath
    ? npmKeysToPublicKeys(JSON.parse(await readFile(files.npmKeysPath, 'utf8')) as NpmKeysDocument)
    : {};
  return toTrustMaterial(root, keys);
}

/** Verifies a bundle (JSON form) and returns its signer; throws Sigstore's VerificationError. */
export function verifyBundle(bundle: unknown, trust: TrustMaterial): Signer {
  const verifier = new Verifier(trust, { tlogThreshold: 1, ctlogThreshold: 1, timestampThreshold: 1 });
  return verifier.verify(toSignedEntity(bundleFromJSON(bundle)));
}

export interface InTotoStatement {
  _type: string;
  subject: Array<{ name: string; digest: Record<string, string> }>;
  predicateType: string;
  predicate: Record<string, unknown>;
}

export function decodeStatement(bundle: unknown): InTotoStatement {
  const payload = (bundle as { dsseEnvelope?: { payload?: string } }).dsseEnvelope?.payload;
  if (!payload) throw new Error('bundle has no DSSE payload');
  return JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as InTotoStatement;
}

// DER: a UTF8String (tag 0x0c) holds the value of every non-legacy Fulcio extension.
function decodeExtensionValue(value: Buffer): string {
  if (value[0] !== 0x0c) return value.toString('utf8');
  let length = value[1] ?? 0;
  let offset = 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    length = value.subarray(2, 2 + bytes).reduce((n, b) => n * 256 + b, 0);
    offset = 2 + bytes;
  }
  return value.subarray(offset, offset + length).toString('utf8');
}

const FULCIO_OID_PREFIX = '1.3.6.1.4.1.57264.1.';

/** The signing certificate's SAN and Fulcio extensions (`'1.3.6.1.4.1.57264.1.12'` → value). */
export function signingCertificateClaims(bundle: unknown): {
  san: string | undefined;
  extensions: Record<string, string>;
} {
  const material = (bundle as { verificationMaterial?: Record<string, unknown> }).verificationMaterial ?? {};
  const leaf =
    (material.certificate as { rawBytes?: string } | undefined)?.rawBytes ??
    (material.x509CertificateChain as { certificates?: Array<{ rawBytes: string }> } | undefined)
      ?.certificates?.[0]?.rawBytes;
  if (!leaf) throw new Error('bundle has no signing certificate');
  const cert = X509Certificate.parse(Buffer.from(leaf, 'base64'));
  const extensions: Record<string, string> = {};
  for (const ext of cert.extensions) {
    const oid = ext.subs[0]?.toOID();
    if (!oid?.startsWith(FULCIO_OID_PREFIX)) continue;
    const found = cert.extension(oid);
    if (found) extensions[oid] = decodeExtensionValue(found.value);
  }
  return { san: cert.subjectAltName, extensions };
}
