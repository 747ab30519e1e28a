// What the rig's registry checks in an OIDC id token before it exchanges it (SPEC §7):
// it decodes the JWT and checks issuer, audience and expiry. It does not check the
// signature (the rig's id tokens are signed with a per-run key that no JWKS publishes).

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
export function checkIdToken(
  jwt: string | null,
  expected: { audience: string; nowSeconds: number },
): IdTokenCheck {
  if (!jwt) return { ok: false, status: 401, reason: 'no id token', claims: null };
  const claims = decodeIdToken(jwt);
  if (!claims) return { ok: false, status: 400, reason: 'not a JWT', claims: null };
  const provider = providerOfIssuer(claims.iss);
  if (!provider) return { ok: false, status: 401, reason: 'issuer not trusted', claims };
  if (!audiences(claims.aud).includes(expected.audience)) {
    return { ok: false, status: 401, reason: `audience is not ${expected.audience}`, claims };
  }
  if (typeof claims.exp !== 'number') return { ok: false, status: 401, reason: 'no expiry', claims };
  if (claims.exp <= expected.nowSeconds) return { ok: false, status: 401, reason: 'expired', claims };
  if (typeof claims.nbf === 'number' && claims.nbf > expected.nowSeconds + 60) {
    return { ok: false, status: 401, reason: 'not valid yet', claims };
  }
  return { ok: true, provider, claims };
}
