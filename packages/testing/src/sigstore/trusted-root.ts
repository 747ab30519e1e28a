import { createHash } from 'node:crypto';

const toBase64 = (bytes: ArrayBufferView) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

export interface TrustedRootInput {
  caRootCertificate: ArrayBufferView;
  ctlogPublicKey: Buffer;
  ctlogId: ArrayBufferView;
  tlogPublicKey: Buffer;
  tsaCertificates: ArrayBufferView[];
  /** Start of validity of every authority; a little in the past. */
  validFrom: Date;
}

function transparencyLog(baseUrl: string, publicKey: Buffer, logId: string, validFrom: Date) {
  return {
    baseUrl,
    hashAlgorithm: 'SHA2_256',
    publicKey: {
      rawBytes: publicKey.toString('base64'),
      keyDetails: 'PKIX_ECDSA_P256_SHA_256',
      validFor: { start: validFrom.toISOString() },
    },
    logId: { keyId: logId },
  };
}

/**
 * A Sigstore `trusted_root.json` (protobuf JSON form) naming the rig's Fulcio CA, Rekor
 * log, CT log and timestamp authority under their public-good URLs, which is where the
 * publishers think they are talking to.
 */
export function buildTrustedRoot(input: TrustedRootInput): Record<string, unknown> {
  const start = { start: input.validFrom.toISOString() };
  return {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      transparencyLog(
        'https://rekor.sigstore.dev',
        input.tlogPublicKey,
        createHash('sha256').update(input.tlogPublicKey).digest('base64'),
        input.validFrom,
      ),
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: 'https://fulcio.sigstore.dev',
        certChain: { certificates: [{ rawBytes: toBase64(input.caRootCertificate) }] },
        validFor: start,
      },
    ],
    ctlogs: [
      transparencyLog(
        'https://ctfe.sigstore.dev/test',
        input.ctlogPublicKey,
        toBase64(input.ctlogId),
        input.validFrom,
      ),
    ],
    timestampAuthorities: [
      {
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: 'https://timestamp.sigstore.dev',
        certChain: { certificates: input.tsaCertificates.map((cert) => ({ rawBytes: toBase64(cert) })) },
        validFor: start,
      },
    ],
  };
}
