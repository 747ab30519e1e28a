// The rig registry's trusted-publishing state that a test sets: one JSON file in the
// registry's temp dir, written by the test process (startRegistry's controls) and read by
// the Verdaccio child on every exchange and publish, so a change applies to the next request.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import type { StoredTrustedPublisher } from './trusted-publisher.js';

export interface PackageTrust {
  trustedPublishers: StoredTrustedPublisher[];
  /** Refuse static tokens on publish (npmjs.com's "Require 2FA and disallow tokens"). */
  disallowTokens: boolean;
}

export interface TrustSettings {
  packages: Record<string, PackageTrust>;
  /** sha256 (hex) of tokens a test revoked: a PUT with one answers 404 "Access token expired or revoked". */
  revokedTokenHashes: string[];
  /** Lifetime of exchanged tokens; 0 makes them expired at birth. Default 3600 (npm: about an hour). */
  exchangedTokenLifetimeSeconds: number;
  /** When set, every exchange gets this answer instead (a broken or hanging registry). */
  exchangeOverride: ExchangeOverride | null;
  /** When set, id tokens must be signed by one of these JWKs; null: claims only. */
  idTokenKeys: Array<Record<string, unknown>> | null;
}

/** A raw answer for the exchange endpoint: e.g. `{ status: 500, body: '<html>…', contentType: 'text/html' }`. */
export interface ExchangeOverride {
  status: number;
  body: string;
  /** Default `application/json`. */
  contentType?: string;
  /** Hold the answer back this long. */
  delayMs?: number;
}

export const DEFAULT_EXCHANGED_TOKEN_LIFETIME_SECONDS = 3600;

export function emptyTrustSettings(): TrustSettings {
  return {
    packages: {},
    revokedTokenHashes: [],
    exchangedTokenLifetimeSeconds: DEFAULT_EXCHANGED_TOKEN_LIFETIME_SECONDS,
    exchangeOverride: null,
    idTokenKeys: null,
  };
}

export function packageTrust(settings: TrustSettings, name: string): PackageTrust {
  return settings.packages[name] ?? { trustedPublishers: [], disallowTokens: false };
}

/** A token is kept and compared only as its sha256, so no file of the rig holds a live secret. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The settings in `file`; defaults when it does not exist yet. */
export function readTrustSettings(file: string): TrustSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return emptyTrustSettings();
  }
  return { ...emptyTrustSettings(), ...(JSON.parse(text) as Partial<TrustSettings>) };
}

let writes: Promise<unknown> = Promise.resolve();

/** Read-modify-write, serialised within this process; the file is replaced atomically (rename). */
export function updateTrustSettings(file: string, change: (settings: TrustSettings) => void): Promise<void> {
  const next = writes.then(async () => {
    const settings = readTrustSettings(file);
    change(settings);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`);
    await rename(temp, file);
  });
  writes = next.catch(() => undefined);
  return next;
}
