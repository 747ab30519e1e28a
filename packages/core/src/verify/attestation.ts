import {
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
  bundleFromJSON,
  type Bundle,
} from '@sigstore/bundle';
import { VerificationError, toSignedEntity, type Signer } from '@sigstore/verify';
import { messageOf } from '../errors.js';
import { problem, type Problem } from '../problems.js';
import { lookupNpmKey } from '../trust/npm-keys.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import {
  IN_TOTO_PAYLOAD_TYPE,
  IN_TOTO_STATEMENT_TYPES,
  PROVENANCE_PREDICATE_TYPES,
  PUBLISH_PREDICATE_TYPE,
} from './types.js';

export type AttestationKind = 'provenance' | 'publish';

export interface InTotoStatement {
  _type?: unknown;
  predicateType?: unknown;
  subject?: unknown;
  predicate?: unknown;
}

/** One entry of the attestations document after the signature checks. */
export interface CheckedAttestation {
  kind: AttestationKind | null;
  /** The signed statement; null when the payload is not JSON. */
  statement: InTotoStatement | null;
  /** Set only when Sigstore verification passed. */
  signer: Signer | null;
  logIndex: number | null;
  problems: Problem[];
}

const KNOWN_MEDIA_TYPES = new Set([
  BUNDLE_V01_MEDIA_TYPE,
  BUNDLE_V02_MEDIA_TYPE,
  BUNDLE_V03_LEGACY_MEDIA_TYPE,
  BUNDLE_V03_MEDIA_TYPE,
]);

const LABEL: Record<AttestationKind, string> = { provenance: 'Provenance', publish: 'Publish attestation' };

export function attestationKind(predicateType: unknown): AttestationKind | null {
  if (typeof predicateType !== 'string') return null;
  if (PROVENANCE_PREDICATE_TYPES.includes(predicateType)) return 'provenance';
  if (predicateType === PUBLISH_PREDICATE_TYPE) return 'publish';
  return null;
}

/**
 * Sigstore-verifies one `{predicateType, bundle}` entry and checks the
 * statement envelope (payload type, in-toto `_type`, outer vs signed
 * predicate type). Never throws: every failure is a problem.
 */
export function checkAttestation(entry: unknown, trust: VerificationTrust): CheckedAttestation {
  const result: CheckedAttestation = {
    kind: null,
    statement: null,
    signer: null,
    logIndex: null,
    problems: [],
  };
  const fail = (code: Problem['code'], message: string, hint: string | null = null): CheckedAttestation => {
    result.problems.push(problem(code, 'error', message, hint));
    return result;
  };
  if (!entry || typeof entry !== 'object')
    return fail('ATTESTATIONS_INVALID', 'An attestation entry is not an object');
  const { predicateType, bundle: rawBundle } = entry as { predicateType?: unknown; bundle?: unknown };
  result.kind = attestationKind(predicateType);
  const label = () => (result.kind ? LABEL[result.kind] : `Attestation ${String(predicateType)}`);

  const mediaType = (rawBundle as { mediaType?: unknown } | null)?.mediaType;
  if (typeof mediaType !== 'string' || !KNOWN_MEDIA_TYPES.has(mediaType)) {
    return fail(
      'ATTESTATIONS_INVALID',
      `${label()}: unknown Sigstore bundle media type ${JSON.stringify(mediaType)}`,
    );
  }
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(rawBundle);
  } catch (error) {
    const fields = (error as { fields?: unknown }).fields;
    const detail = Array.isArray(fields) && fields.length > 0 ? ` (${fields.join(', ')})` : '';
    return fail(
      'ATTESTATIONS_INVALID',
      `${label()}: malformed Sigstore bundle: ${messageOf(error)}${detail}`,
    );
  }
  if (bundle.content.$case !== 'dsseEnvelope') {
    return fail('ATTESTATIONS_INVALID', `${label()}: the bundle holds no DSSE envelope`);
  }
  const envelope = bundle.content.dsseEnvelope;
  try {
    result.statement = JSON.parse(envelope.payload.toString('utf8')) as InTotoStatement;
  } catch {
    return fail('ATTESTATIONS_INVALID', `${label()}: the signed payload is not JSON`);
  }
  // The signed predicate type decides what this is; the outer one is unsigned.
  result.kind = attestationKind(result.statement?.predicateType) ?? result.kind;
  const tlog = bundle.verificationMaterial.tlogEntries[0];
  result.logIndex = tlog ? Number(tlog.logIndex) : null;

  const keyMaterial = bundle.verificationMaterial.content;
  if (keyMaterial.$case === 'publicKey') {
    const at = tlog ? new Date(Number(tlog.integratedTime) * 1000) : null;
    const found = lookupNpmKey(trust.npmKeys, keyMaterial.publicKey.hint, 'npm:attestations', at);
    if (found.status === 'unknown') {
      return fail(
        'KEY_UNKNOWN',
        `${label()} is signed with key ${keyMaterial.publicKey.hint}, which npm's keys do not list`,
        'Refresh the trust material (drop --npm-keys/--offline), or the attestation was not made by npm.',
      );
    }
    if (found.status === 'expired') {
      return fail(
        'KEY_EXPIRED',
        `${label()} is signed with key ${keyMaterial.publicKey.hint}, which was not valid at ${at?.toISOString()}`,
      );
    }
  }

  try {
    result.signer = trust.verifier.verify(toSignedEntity(bundle));
  } catch (error) {
    if (error instanceof VerificationError && error.code === 'PUBLIC_KEY_ERROR') {
      // Only reached without a tlog time (TSA-only bundles): the key finder judged it.
      const code = error.message.startsWith('key not found') ? 'KEY_UNKNOWN' : 'KEY_EXPIRED';
      return fail(code, `${label()}: ${error.message}`);
    }
    if (error instanceof VerificationError) {
      return fail(
        'SIGNATURE_INVALID',
        `${label()}: Sigstore verification failed: ${error.code}: ${error.message}`,
      );
    }
    // Parsing inside toSignedEntity (a truncated certificate, a bad tlog body).
    return fail('ATTESTATIONS_INVALID', `${label()}: unreadable bundle content: ${messageOf(error)}`);
  }

  const statement = result.statement;
  if (envelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    fail(
      'ATTESTATIONS_INVALID',
      `${label()}: DSSE payload type is ${envelope.payloadType}, not ${IN_TOTO_PAYLOAD_TYPE}`,
    );
  }
  if (
    !statement ||
    typeof statement !== 'object' ||
    !IN_TOTO_STATEMENT_TYPES.includes(String(statement._type))
  ) {
    fail(
      'ATTESTATIONS_INVALID',
      `${label()}: the statement's _type ${JSON.stringify(statement?._type)} is not in-toto`,
    );
  }
  if (statement?.predicateType !== predicateType) {
    fail(
      'PREDICATE_TYPE_MISMATCH',
      `${label()}: the registry lists predicate type ${JSON.stringify(predicateType)} but the signed statement says ${JSON.stringify(statement?.predicateType)}`,
    );
  }
  return result;
}
