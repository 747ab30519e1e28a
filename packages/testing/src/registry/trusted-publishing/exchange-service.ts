// The registry side of trusted publishing, loaded by our Verdaccio plugin (index.cjs) in the
// Verdaccio child: it answers the token exchange, remembers each exchanged token (as a hash)
// with its package, decides publish PUTs, and logs every decision to a JSON-lines file the
// test process reads (`registry.trustedPublishingEvents()`). No token is ever logged.
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bearerToken, type IdTokenClaims } from './id-token-check.js';
import {
  decideExchange,
  decidePublish,
  type ExchangeGrant,
  type PublishDecision,
  type RegistryAnswer,
} from './registry-answers.js';
import { readTrustSettings, tokenHash } from './trust-settings.js';

export interface TrustedPublishingServiceOptions {
  settingsFile: string;
  eventsFile: string;
  /** Verdaccio's storage folder: a package exists when `<storage>/<name>/package.json` has versions. */
  storageDir: string;
}

/** One line of the events file. */
export type TrustedPublishingEvent =
  | {
      type: 'exchange';
      at: string;
      packageName: string;
      status: number;
      reason: string;
      /** The identity claims presented (the ones a trusted publisher is matched on). */
      claims: Record<string, unknown> | null;
    }
  | {
      type: 'publish-authorized';
      at: string;
      packageName: string;
      auth: 'oidc' | 'token';
      oidcConfigId: string | null;
    }
  | { type: 'publish-refused'; at: string; packageName: string; status: number; reason: string };

const IDENTITY_CLAIMS = [
  'iss',
  'aud',
  'sub',
  'repository',
  'repository_visibility',
  'workflow_ref',
  'job_workflow_ref',
  'environment',
  'runner_environment',
  'project_path',
  'ci_config_ref_uri',
  'project_visibility',
];

function identityClaims(claims: IdTokenClaims | null): Record<string, unknown> | null {
  if (!claims) return null;
  return Object.fromEntries(IDENTITY_CLAIMS.filter((k) => k in claims).map((k) => [k, claims[k]]));
}

/** A token shaped like npm's (`npm_` + 36 base62-ish characters). */
function newRegistryToken(): string {
  return `npm_${randomBytes(27).toString('base64url').replace(/[-_]/g, 'x')}`;
}

export class TrustedPublishingService {
  private readonly grants = new Map<string, ExchangeGrant>();

  constructor(private readonly options: TrustedPublishingServiceOptions) {}

  packageExists(packageName: string): boolean {
    try {
      const doc = JSON.parse(
        readFileSync(join(this.options.storageDir, packageName, 'package.json'), 'utf8'),
      ) as {
        versions?: Record<string, unknown>;
      };
      return Object.keys(doc.versions ?? {}).length > 0;
    } catch {
      return false;
    }
  }

  /**
   * `POST /-/npm/v1/oidc/token/exchange/package/<name>`. The audience is `npm:<hostname>` (what npm
   * asks for); `npm:<hostname>:<port>` (what yarn asks for, from the URL's host) is accepted too,
   * as both are `npm:registry.npmjs.org` against npmjs, where no port is written.
   */
  exchange(
    packageName: string,
    authorization: string | undefined,
    hostname: string,
    host: string,
  ): RegistryAnswer {
    const settings = readTrustSettings(this.options.settingsFile);
    const override = settings.exchangeOverride;
    if (override) {
      const at = new Date().toISOString();
      this.log({
        type: 'exchange',
        at,
        packageName,
        status: override.status,
        reason: 'override',
        claims: null,
      });
      return {
        status: override.status,
        body: {},
        rawBody: override.body,
        headers: { 'Content-Type': override.contentType ?? 'application/json' },
        ...(override.delayMs ? { delayMs: override.delayMs } : {}),
      };
    }
    const outcome = decideExchange({
      packageName,
      idToken: bearerToken(authorization),
      audience: [`npm:${hostname}`, `npm:${host}`],
      packageExists: this.packageExists(packageName),
      settings,
      nowMs: Date.now(),
      newToken: newRegistryToken(),
    });
    if (outcome.grant) this.grants.set(outcome.grant.tokenHash, outcome.grant);
    this.log({
      type: 'exchange',
      at: new Date().toISOString(),
      packageName,
      status: outcome.answer.status,
      reason: outcome.reason,
      claims: identityClaims(outcome.claims),
    });
    return outcome.answer;
  }

  /** The checks on `PUT /<name>`; `staticTokenUser` is Verdaccio's user for a valid static token. */
  authorizePublish(
    packageName: string,
    authorization: string | undefined,
    staticTokenUser: string | undefined,
  ): PublishDecision {
    const token = bearerToken(authorization);
    const grant = token ? (this.grants.get(tokenHash(token)) ?? null) : null;
    const decision = decidePublish({
      packageName,
      token,
      grant,
      staticTokenUser: grant ? undefined : staticTokenUser,
      settings: readTrustSettings(this.options.settingsFile),
      nowMs: Date.now(),
    });
    const at = new Date().toISOString();
    if (decision.kind === 'refuse') {
      this.log({
        type: 'publish-refused',
        at,
        packageName,
        status: decision.answer.status,
        reason: decision.reason,
      });
    } else if (decision.kind === 'allow') {
      const trusted = decision.npmUser.trustedPublisher as { oidcConfigId?: string } | undefined;
      this.log({
        type: 'publish-authorized',
        at,
        packageName,
        auth: decision.auth,
        oidcConfigId: trusted?.oidcConfigId ?? null,
      });
    }
    return decision;
  }

  /** `GET /-/package/<name>/visibility`: every package on the rig is public; a new one is 404, as on npmjs. */
  visibility(packageName: string): RegistryAnswer {
    return this.packageExists(packageName)
      ? { status: 200, body: { public: true } }
      : { status: 404, body: { error: 'Not found' } };
  }

  private log(event: TrustedPublishingEvent): void {
    appendFileSync(this.options.eventsFile, `${JSON.stringify(event)}\n`);
  }
}

export function createTrustedPublishingService(
  options: TrustedPublishingServiceOptions,
): TrustedPublishingService {
  return new TrustedPublishingService(options);
}
