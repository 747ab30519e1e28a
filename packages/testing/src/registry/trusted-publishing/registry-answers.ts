// What the rig's registry answers to a token exchange and to a publish PUT, as pure functions
// of the request, the package's trust settings and the clock. The Verdaccio plugin
// (exchange-service.ts) feeds them and sends the answers; unit tests call them directly.
import { checkIdToken, type IdTokenClaims, type OidcProvider } from './id-token-check.js';
import {
  matchTrustedPublisher,
  trustedPublisherNpmUser,
  type StoredTrustedPublisher,
  type TrustedPublisherAction,
} from './trusted-publisher.js';
import { packageTrust, tokenHash, type TrustSettings } from './trust-settings.js';

export interface RegistryAnswer {
  status: number;
  /** Sent as JSON, unless `rawBody` is given. */
  body: Record<string, unknown>;
  headers?: Record<string, string>;
  /** Sent as is (with its own Content-Type in `headers`): a broken registry's answer. */
  rawBody?: string;
  /** Hold the answer back this long (a registry that hangs). */
  delayMs?: number;
}

/** An exchanged token's scope, remembered by the registry (only the token's hash is kept). */
export interface ExchangeGrant {
  tokenHash: string;
  packageName: string;
  provider: OidcProvider;
  publisher: StoredTrustedPublisher;
  allowedActions: TrustedPublisherAction[];
  expiresAtMs: number;
}

/** The messages registry.npmjs.org sends (SPEC §7). */
export const REGISTRY_MESSAGES = {
  exchangeBadRequest: 'OIDC token exchange error - bad request',
  exchangeUnauthorized: 'OIDC token exchange error - unauthorized',
  exchangeNotFound: 'OIDC token exchange error - package not found',
  tokensNotAllowed:
    'Two-factor authentication or granular access token with bypass 2fa enabled is required to publish packages.',
  oidcActionDenied: 'OIDC permission denied for this action',
  tokenExpiredNotice: 'Access token expired or revoked. Please try logging in again.',
  otherPackage: 'You may not perform that action with these credentials.',
} as const;

export interface ExchangeRequest {
  packageName: string;
  /** The id token from `Authorization: Bearer …` (null when absent). */
  idToken: string | null;
  /** `npm:<registry hostname>` (and the forms a client may send, see exchange-service.ts). */
  audience: string | readonly string[];
  packageExists: boolean;
  settings: TrustSettings;
  nowMs: number;
  /** The token to hand out when the exchange succeeds. */
  newToken: string;
}

export interface ExchangeOutcome {
  answer: RegistryAnswer;
  grant: ExchangeGrant | null;
  /** Why, for the rig's event log (never a token). */
  reason: string;
  claims: IdTokenClaims | null;
}

function failure(status: number, message: string, reason: string, claims: IdTokenClaims | null) {
  return { answer: { status, body: { message } }, grant: null, reason, claims };
}

/** npm's `POST /-/npm/v1/oidc/token/exchange/package/<name>`: 201, 400, 401 or 404. */
export function decideExchange(request: ExchangeRequest): ExchangeOutcome {
  const check = checkIdToken(request.idToken, {
    audience: request.audience,
    nowSeconds: Math.floor(request.nowMs / 1000),
    keys: request.settings.idTokenKeys,
  });
  if (!check.ok) {
    const message =
      check.status === 400 ? REGISTRY_MESSAGES.exchangeBadRequest : REGISTRY_MESSAGES.exchangeUnauthorized;
    return failure(check.status, message, check.reason, check.claims);
  }
  // A new package and a configuration that does not match answer the same (npm/cli#8544).
  if (!request.packageExists) {
    return failure(404, REGISTRY_MESSAGES.exchangeNotFound, 'package does not exist', check.claims);
  }
  const trust = packageTrust(request.settings, request.packageName);
  const publisher = matchTrustedPublisher(check.provider, check.claims, trust.trustedPublishers);
  if (!publisher) {
    return failure(404, REGISTRY_MESSAGES.exchangeNotFound, 'no trusted publisher matches', check.claims);
  }
  const lifetimeMs = Math.max(0, request.settings.exchangedTokenLifetimeSeconds) * 1000;
  const grant: ExchangeGrant = {
    tokenHash: tokenHash(request.newToken),
    packageName: request.packageName,
    provider: check.provider,
    publisher,
    allowedActions: publisher.allowedActions ?? ['publish'],
    expiresAtMs: request.nowMs + lifetimeMs,
  };
  const body = {
    token_type: 'oidc',
    token: request.newToken,
    created: new Date(request.nowMs).toISOString(),
    expires: new Date(grant.expiresAtMs).toISOString(),
  };
  return {
    answer: { status: 201, body },
    grant,
    reason: `matched ${publisher.oidcConfigId}`,
    claims: check.claims,
  };
}

export interface PublishRequest {
  packageName: string;
  /** The bearer token of the PUT (null when absent). */
  token: string | null;
  /** The grant minted for this token, if it is an exchanged one. */
  grant: ExchangeGrant | null;
  /** Verdaccio's user for a valid static token, else undefined. */
  staticTokenUser: string | undefined;
  settings: TrustSettings;
  nowMs: number;
}

export type PublishDecision =
  | { kind: 'refuse'; answer: RegistryAnswer; reason: string }
  /** Publish as `user`; the version gets `_npmUser` = npmUser. */
  | { kind: 'allow'; auth: 'oidc' | 'token'; user: string; npmUser: Record<string, unknown> }
  /** Not ours to decide (no token, or one Verdaccio will refuse itself). */
  | { kind: 'pass' };

const expiredOrRevoked = (reason: string): PublishDecision => ({
  kind: 'refuse',
  // registry.npmjs.org: a 404 on the PUT, and the reason only in the `npm-notice` header.
  answer: {
    status: 404,
    body: { error: 'Not found' },
    headers: { 'npm-notice': REGISTRY_MESSAGES.tokenExpiredNotice },
  },
  reason,
});

const forbidden = (error: string, reason: string): PublishDecision => ({
  kind: 'refuse',
  answer: { status: 403, body: { error } },
  reason,
});

/** The auth checks registry.npmjs.org makes on `PUT /<name>` that Verdaccio does not. */
export function decidePublish(request: PublishRequest): PublishDecision {
  const { token, grant } = request;
  if (token && request.settings.revokedTokenHashes.includes(tokenHash(token))) {
    return expiredOrRevoked('token revoked');
  }
  if (grant) {
    if (grant.expiresAtMs <= request.nowMs) return expiredOrRevoked('exchanged token expired');
    if (grant.packageName !== request.packageName) {
      return forbidden(REGISTRY_MESSAGES.otherPackage, `token was exchanged for ${grant.packageName}`);
    }
    if (!grant.allowedActions.includes('publish')) {
      return forbidden(REGISTRY_MESSAGES.oidcActionDenied, 'trusted publisher may not publish');
    }
    const npmUser = trustedPublisherNpmUser(grant.publisher);
    return { kind: 'allow', auth: 'oidc', user: String(npmUser.name), npmUser };
  }
  const user = request.staticTokenUser;
  if (!user) return { kind: 'pass' };
  if (packageTrust(request.settings, request.packageName).disallowTokens) {
    return forbidden(REGISTRY_MESSAGES.tokensNotAllowed, 'package disallows tokens');
  }
  return { kind: 'allow', auth: 'token', user, npmUser: { name: user, email: `${user}@example.com` } };
}
