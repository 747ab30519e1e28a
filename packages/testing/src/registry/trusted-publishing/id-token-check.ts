// What the rig's registry checks in an OIDC id token before it exchanges it (SPEC §7):
// it decodes the JWT and checks issuer, audience and expiry; the ES256 signature only when the
// test handed it the issuer's keys (`registry.requireSignedIdTokens(sigstore.idTokenJwks)`),
// since the rig's tokens are signed with a per-run key that no public JWKS serves.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';

export const GITHUB_OIDC_ISSUER = 'https://token.actions.githubusercontent.com';
export const GITLAB_OIDC_ISSUER = 'https://gitlab.com';

export type OidcProvider = 'github' | 'gitlab';
export type IdTokenClaims = Record<string, unknown>;

export type IdTokenCheck =
  | { ok: true; provider: OidcProvider; claims: IdTokenClaims }
  | { ok: false; status: 400 | 401; reason: string; claims: IdTokenClaims | null };

/** The payload of a compact JWT (`header.payload.signature`), or null when it is not one. */
export function decodeIdToken(jwt: string): IdTokenClaims | null {
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]*$/.test(part))) return null;
  try {
    const header: unknown = JSON.parse(Buffer.from(parts[0] ?? '', 'base64url').toString('utf8'));
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    if (!isObject(header) || !isObject(payload)) return null;
    return payload;
  } catch {
    return null;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `Bearer <token>` → `<token>`; null when the header is missing or another scheme. */
export function bearerToken(authorization: string | undefined): string | null {
  const match = /^bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1] ?? null;
}

/** Exactly GitHub's or GitLab's issuer; an enterprise-scoped GitHub issuer (`…/<slug>`) is not accepted. */
export function providerOfIssuer(issuer: unknown): OidcProvider | null {
  if (issuer === GITHUB_OIDC_ISSUER) return 'github';
  if (issuer === GITLAB_OIDC_ISSUER) return 'gitlab';
  return null;
}

function audiences(aud: unknown): string[] {
  if (typeof aud === 'string') return [aud];
  return Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
}

/**
 * Checks an id token as npm's exchange does: 400 when it is not a JWT, 401 for a missing token,
 * a foreign issuer, another audience, no or a past expiry, or a `nbf` in the future.
 */
/** True when `jwt` carries a valid ES256 signature by one of `keys` (by `kid` when the header names one). */
export function hasValidSignature(jwt: string, keys: ReadonlyArray<Record<string, unknown>>): boolean {
  const [header = '', payload = '', signature = ''] = jwt.split('.');
  let kid: unknown;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as {
      alg?: unknown;
      kid?: unknown;
    };
    if (parsed.alg !== 'ES256') return false;
    kid = parsed.kid;
  } catch {
    return false;
  }
  const candidates = keys.filter((key) => kid === undefined || key.kid === kid);
  return candidates.some((jwk) => {
    try {
      const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
      const input = Buffer.from(`${header}.${payload}`);
      return verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  });
}

export function checkIdToken(
  jwt: string | null,
  expected: {
    audience: string | readonly string[];
    nowSeconds: number;
    /** Check the signature against these JWKs (null: claims only). */
    keys?: ReadonlyArray<Record<string, unknown>> | null;
  },
): IdTokenCheck {
  const accepted = typeof expected.audience === 'string' ? [expected.audience] : expected.audience;
  if (!jwt) return { ok: false, status: 401, reason: 'no id token', claims: null };
  const claims = decodeIdToken(jwt);
  if (!claims) return { ok: false, status: 400, reason: 'not a JWT', claims: null };
  if (expected.keys && !hasValidSignature(jwt, expected.keys)) {
    return { ok: false, status: 401, reason: 'signature invalid', claims };
  }
  const provider = providerOfIssuer(claims.iss);
  if (!provider) return { ok: false, status: 401, reason: 'issuer not trusted', claims };
  if (!audiences(claims.aud).some((aud) => accepted.includes(aud))) {
    return { ok: false, status: 401, reason: `audience is not ${accepted.join(' or ')}`, claims };
  }
  if (typeof claims.exp !== 'number') return { ok: false, status: 401, reason: 'no expiry', claims };
  if (claims.exp <= expected.nowSeconds) return { ok: false, status: 401, reason: 'expired', claims };
  if (typeof claims.nbf === 'number' && claims.nbf > expected.nowSeconds + 60) {
    return { ok: false, status: 401, reason: 'not valid yet', claims };
  }
  return { ok: true, provider, claims };
}
