import { createPublicKey, type KeyObject } from 'node:crypto';
import { ProvenantError } from '../errors.js';

/** What npm signs with a key: registry signatures (`dist.signatures`) or publish attestations. */
export type NpmKeyUsage = 'npm:signatures' | 'npm:attestations';

export interface NpmKey {
  keyId: string;
  usage: NpmKeyUsage;
  publicKey: KeyObject;
  /** Inclusive window in which the key may have signed; null ends are open. */
  validFrom: Date | null;
  validUntil: Date | null;
}

export type KeyLookup =
  { status: 'ok'; key: NpmKey } | { status: 'unknown' } | { status: 'expired'; key: NpmKey };

/**
 * Parses npm's keys in either shape we meet:
 * - `GET /-/npm/v1/keys`: `{ keys: [{ expires, keyid, keytype, scheme, key }] }`
 *   (one entry serves both usages; only an end date is known);
 * - the Sigstore TUF target `registry.npmjs.org/keys.json`:
 *   `{ keys: [{ keyId, keyUsage, publicKey: { rawBytes, keyDetails, validFor } }] }`.
 */
export function parseNpmKeys(json: unknown, source = 'npm keys'): NpmKey[] {
  const keys = (json as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw invalid(source, 'has no "keys" array');
  const out: NpmKey[] = [];
  for (const entry of keys as unknown[]) {
    if (!entry || typeof entry !== 'object') throw invalid(source, 'has a key that is not an object');
    const e = entry as Record<string, unknown>;
    if (typeof e.keyid === 'string' && typeof e.key === 'string') {
      const publicKey = derKey(e.key, source);
      const validUntil = typeof e.expires === 'string' ? toDate(e.expires, source) : null;
      for (const usage of ['npm:signatures', 'npm:attestations'] as const) {
        out.push({ keyId: e.keyid, usage, publicKey, validFrom: null, validUntil });
      }
    } else if (typeof e.keyId === 'string' && e.publicKey && typeof e.publicKey === 'object') {
      const pk = e.publicKey as { rawBytes?: unknown; validFor?: { start?: unknown; end?: unknown } };
      if (typeof pk.rawBytes !== 'string') throw invalid(source, `key ${e.keyId} has no rawBytes`);
      const usage = e.keyUsage === 'npm:signatures' || e.keyUsage === 'npm:attestations' ? e.keyUsage : null;
      if (usage === null) continue; // a usage we do not verify
      out.push({
        keyId: e.keyId,
        usage,
        publicKey: derKey(pk.rawBytes, source),
        validFrom: typeof pk.validFor?.start === 'string' ? toDate(pk.validFor.start, source) : null,
        validUntil: typeof pk.validFor?.end === 'string' ? toDate(pk.validFor.end, source) : null,
      });
    } else {
      throw invalid(source, 'has a key in an unknown shape');
    }
  }
  return out;
}

/** Finds the key npm used for `usage` with this id and checks it was valid at `at` (when known). */
export function lookupNpmKey(
  keys: readonly NpmKey[],
  keyId: string,
  usage: NpmKeyUsage,
  at: Date | null,
): KeyLookup {
  const candidates = keys.filter((k) => k.keyId === keyId && k.usage === usage);
  if (candidates.length === 0) return { status: 'unknown' };
  if (at === null) return { status: 'ok', key: candidates[0]! };
  const valid = candidates.find((k) => isValidAt(k, at));
  return valid ? { status: 'ok', key: valid } : { status: 'expired', key: candidates[0]! };
}

export function isValidAt(key: NpmKey, at: Date): boolean {
  if (key.validFrom && at < key.validFrom) return false;
  if (key.validUntil && at > key.validUntil) return false;
  return true;
}

function derKey(base64: string, source: string): KeyObject {
  try {
    return createPublicKey({ key: Buffer.from(base64, 'base64'), format: 'der', type: 'spki' });
  } catch (cause) {
    throw invalid(source, 'has a public key that is not a DER SPKI key', cause);
  }
}

function toDate(text: string, source: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw invalid(source, `has an invalid date "${text}"`);
  return date;
}

function invalid(source: string, what: string, cause?: unknown): ProvenantError {
  return new ProvenantError('TRUST_MATERIAL_INVALID', `${source} ${what}`, {
    hint: "Pass the JSON of GET /-/npm/v1/keys (or Sigstore's registry.npmjs.org/keys.json TUF target).",
    cause,
  });
}
