// The test side of the registry's trusted publishing: what `startRegistry()` adds to the
// Registry handle. Each call rewrites the settings file the Verdaccio child reads on every
// request, so it applies to the next exchange or publish.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrustedPublishingEvent } from './exchange-service.js';
import {
  invalidTrustedPublisher,
  type StoredTrustedPublisher,
  type TrustedPublisher,
} from './trusted-publisher.js';
import { packageTrust, tokenHash, updateTrustSettings, type ExchangeOverride } from './trust-settings.js';

export interface TrustFiles {
  settingsFile: string;
  eventsFile: string;
}

export function trustFilesIn(dir: string): TrustFiles {
  return {
    settingsFile: join(dir, 'trusted-publishing.json'),
    eventsFile: join(dir, 'trusted-publishing-events.jsonl'),
  };
}

export interface TrustedPublishingControls {
  /**
   * Configures `name`'s trusted publisher (replacing any), as `npm trust github|gitlab` does;
   * null removes it. Returns it with its `oidcConfigId` (what `_npmUser.trustedPublisher` will name).
   * Throws on a configuration npm would refuse (e.g. a workflow path instead of a filename).
   */
  setTrustedPublisher(
    name: string,
    publisher: TrustedPublisher | null,
  ): Promise<StoredTrustedPublisher | null>;
  /** npmjs.com's "Require two-factor authentication and disallow tokens" for `name`. */
  setDisallowTokens(name: string, disallow?: boolean): Promise<void>;
  /** Every later PUT with this token answers 404 + `npm-notice: Access token expired or revoked…`. */
  revokeToken(token: string): Promise<void>;
  /** Lifetime of tokens exchanged from now on (default 3600 s); 0 makes them expire at once. */
  setExchangedTokenLifetime(seconds: number): Promise<void>;
  /**
   * Every exchange from now on gets this raw answer (HTML, a 500, a 201 without `expires`, a
   * delay to simulate a hang); null restores the real exchange. For a registry without the
   * exchange at all, start one with `trustedPublishing: false` (Verdaccio: 404 HTML).
   */
  setExchangeOverride(override: ExchangeOverride | null): Promise<void>;
  /**
   * From now on the exchange also checks id-token signatures against these keys (pass
   * `sigstore.idTokenJwks`); a token signed otherwise gets 401. null: claims only (the default).
   */
  requireSignedIdTokens(jwks: { keys: Array<Record<string, unknown>> } | null): Promise<void>;
  /** Every exchange and publish decision so far, oldest first (claims, statuses; never a token). */
  trustedPublishingEvents(): Promise<TrustedPublishingEvent[]>;
}

export function trustedPublishingControls(files: TrustFiles): TrustedPublishingControls {
  const update = (change: Parameters<typeof updateTrustSettings>[1]) =>
    updateTrustSettings(files.settingsFile, change);
  return {
    async setTrustedPublisher(name, publisher) {
      if (publisher) {
        const invalid = invalidTrustedPublisher(publisher);
        if (invalid) throw new Error(`setTrustedPublisher(${name}): ${invalid}`);
      }
      const stored = publisher ? { ...publisher, oidcConfigId: `oidc:${randomUUID()}` } : null;
      await update((settings) => {
        const trust = packageTrust(settings, name);
        settings.packages[name] = { ...trust, trustedPublishers: stored ? [stored] : [] };
      });
      return stored;
    },
    async setDisallowTokens(name, disallow = true) {
      await update((settings) => {
        settings.packages[name] = { ...packageTrust(settings, name), disallowTokens: disallow };
      });
    },
    async revokeToken(token) {
      await update((settings) => {
        const hash = tokenHash(token);
        if (!settings.revokedTokenHashes.includes(hash)) settings.revokedTokenHashes.push(hash);
      });
    },
    async setExchangedTokenLifetime(seconds) {
      await update((settings) => {
        settings.exchangedTokenLifetimeSeconds = seconds;
      });
    },
    async setExchangeOverride(override) {
      await update((settings) => {
        settings.exchangeOverride = override;
      });
    },
    async requireSignedIdTokens(jwks) {
      await update((settings) => {
        settings.idTokenKeys = jwks ? jwks.keys : null;
      });
    },
    async trustedPublishingEvents() {
      let text: string;
      try {
        text = await readFile(files.eventsFile, 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as TrustedPublishingEvent);
    },
  };
}
