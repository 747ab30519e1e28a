import { createHash } from 'node:crypto';

interface ProposedDsseEntry {
  apiVersion: string;
  kind: 'dsse';
  spec: { proposedContent: { envelope: string; verifiers: string[] } };
}

interface DsseEnvelope {
  payload: string;
  payloadType: string;
  signatures: Array<{ sig: string; keyid?: string }>;
}

const sha256Hex = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

function isProposedDsse(entry: unknown): entry is ProposedDsseEntry {
  const e = entry as ProposedDsseEntry | null;
  return e?.kind === 'dsse' && typeof e.spec?.proposedContent?.envelope === 'string';
}

/**
 * Rekor does not store a DSSE entry as proposed: it keeps the envelope hash, the payload
 * hash and the signatures with their verifiers, and that canonical body is what
 * `@sigstore/verify` checks (else TLOG_BODY_ERROR). The mock stores the proposal as is,
 * so we turn the proposal into Rekor's form before handing it on.
 */
export function canonicalizeProposedEntry(entry: unknown): unknown {
  if (!isProposedDsse(entry)) return entry;
  const { envelope: envelopeJson, verifiers } = entry.spec.proposedContent;
  const envelope = JSON.parse(envelopeJson) as DsseEnvelope;
  return {
    apiVersion: entry.apiVersion,
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha256Hex(envelopeJson) },
      payloadHash: { algorithm: 'sha256', value: sha256Hex(Buffer.from(envelope.payload, 'base64')) },
      signatures: envelope.signatures.map((signature, i) => ({
        signature: signature.sig,
        verifier: verifiers[i] ?? verifiers[0],
      })),
    },
  };
}
