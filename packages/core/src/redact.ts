import { redactLog } from '@npmcli/redact';

/**
 * Secrets registered at run time (tokens read from .npmrc or the environment)
 * are removed from every string we print or write, on top of the patterns
 * `@npmcli/redact` knows (npm tokens, URL passwords).
 */
const knownSecrets = new Set<string>();

export function registerSecret(secret: string | undefined | null): void {
  if (secret && secret.length >= 6) knownSecrets.add(secret);
}

// The optional backslash before a quote lets this run on JSON text (a report) without eating the
// escape of `\"${VAR}\"` and breaking the JSON, while still redacting `\"secret\"`.
const CONFIG_SECRET =
  /((?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent|NODE_AUTH_TOKEN|NPM_TOKEN)\\?["']?\s*[=:]\s*(?:\\?["'])?)(?!\$\{)[^\s"'\\]+/gi;
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;
const NPM_PATTERNS = /:\/\/|npm_|[0-9a-f]{8}-[0-9a-f]{4}-/i;
const BEARER = /(\b(?:Bearer|Basic)\s+)[A-Za-z0-9._~+/=-]{6,}/g;
// A JSON Web Token (an OIDC id token: GitHub's, NPM_ID_TOKEN, SIGSTORE_ID_TOKEN), wherever it appears.
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g;

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  out = out
    .replace(JWT, '***')
    .replace(CONFIG_SECRET, '$1***')
    .replace(URL_CREDENTIALS, '$1***@')
    .replace(BEARER, '$1***');
  // npm's redactor parses every URL it sees; run it only on lines that can hold one of its patterns.
  if (!NPM_PATTERNS.test(out)) return out;
  return out
    .split('\n')
    .map((line) => (NPM_PATTERNS.test(line) ? redactLog(line) : line))
    .join('\n');
}

/** Redacts every string inside a JSON-like value. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => redactDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v);
    return out as T;
  }
  return value;
}
