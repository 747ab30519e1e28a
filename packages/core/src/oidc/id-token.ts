import { messageOf } from '../errors.js';
import { redact, registerSecret } from '../redact.js';
import { decodeIdToken, type IdTokenClaims } from './jwt.js';

type Env = Readonly<Record<string, string | undefined>>;

export type IdTokenSource = 'NPM_ID_TOKEN' | 'github-actions';

export type IdTokenResult =
  | { kind: 'token'; token: string; source: IdTokenSource; claims: IdTokenClaims }
  /** The job cannot give one: the reason, in words, and what to change. */
  | {
      kind: 'unavailable';
      code: 'ID_TOKEN_PERMISSION_MISSING' | 'OIDC_UNAVAILABLE';
      reason: string;
      hint: string;
    }
  /** It gave something that is not a usable id token. */
  | { kind: 'invalid'; reason: string; hint: string };

export interface IdTokenRequest {
  env: Env;
  registry: string;
  fetch: typeof fetch;
  /** --registry-timeout: the whole request, body included. */
  timeoutMs: number;
}

/** npm's audience for a registry: `npm:<hostname>` (no port, as npm's own client sends it). */
export function oidcAudience(registry: string): string {
  return `npm:${new URL(registry).hostname}`;
}

const GITHUB_PERMISSION_HINT =
  'Add to the publishing job (or the workflow):\npermissions:\n  id-token: write\n  contents: read';
const GITLAB_HINT = (aud: string) =>
  `Add to the publishing job in .gitlab-ci.yml:\nid_tokens:\n  NPM_ID_TOKEN:\n    aud: "${aud}"\n  SIGSTORE_ID_TOKEN:\n    aud: sigstore`;

/**
 * The id token npm would present to the registry's exchange (SPEC §7):
 * `NPM_ID_TOKEN` wherever it is set, else GitHub Actions' token endpoint for
 * the audience `npm:<registry host>`. Never throws; the token is registered
 * for redaction before anything else sees it.
 */
export async function acquireIdToken(request: IdTokenRequest): Promise<IdTokenResult> {
  const { env } = request;
  const audience = oidcAudience(request.registry);
  registerSecret(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN);
  if (env.NPM_ID_TOKEN) return decoded(env.NPM_ID_TOKEN.trim(), 'NPM_ID_TOKEN');
  if (env.GITHUB_ACTIONS === 'true') {
    if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
      return {
        kind: 'unavailable',
        code: 'ID_TOKEN_PERMISSION_MISSING',
        reason:
          'this GitHub Actions job cannot request an OIDC id token (ACTIONS_ID_TOKEN_REQUEST_URL/TOKEN are not set: no `id-token: write`)',
        hint: GITHUB_PERMISSION_HINT,
      };
    }
    return fromGithub(
      request,
      audience,
      env.ACTIONS_ID_TOKEN_REQUEST_URL,
      env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    );
  }
  if (env.GITLAB_CI !== undefined && env.GITLAB_CI !== 'false') {
    return {
      kind: 'unavailable',
      code: 'OIDC_UNAVAILABLE',
      reason: 'this GitLab CI job has no NPM_ID_TOKEN (an `id_tokens:` entry for npm)',
      hint: GITLAB_HINT(audience),
    };
  }
  if (env.CIRCLECI === 'true') {
    return {
      kind: 'unavailable',
      code: 'OIDC_UNAVAILABLE',
      reason: 'this CircleCI job has no NPM_ID_TOKEN',
      hint: `Set NPM_ID_TOKEN from CircleCI's OIDC token with audience ${audience}.`,
    };
  }
  return {
    kind: 'unavailable',
    code: 'OIDC_UNAVAILABLE',
    reason: 'this is not a CI job that can give an OIDC id token (GitHub Actions, GitLab CI or CircleCI)',
    hint: 'Publish from GitHub Actions with `id-token: write`, or from GitLab CI with an NPM_ID_TOKEN `id_tokens:` entry.',
  };
}

function decoded(token: string, source: IdTokenSource): IdTokenResult {
  registerSecret(token);
  const result = decodeIdToken(token);
  if (!result.ok) {
    return {
      kind: 'invalid',
      reason: `the id token from ${source === 'NPM_ID_TOKEN' ? 'NPM_ID_TOKEN' : "GitHub Actions' token endpoint"} is unusable: ${result.why}`,
      hint:
        source === 'NPM_ID_TOKEN'
          ? 'Set NPM_ID_TOKEN from the CI\'s `id_tokens:` (GitLab: `NPM_ID_TOKEN: { aud: "npm:registry.npmjs.org" }`), not from a secret or a literal.'
          : "Check ACTIONS_ID_TOKEN_REQUEST_URL: it must be the runner's own token endpoint.",
    };
  }
  return { kind: 'token', token, source, claims: result.claims };
}

async function fromGithub(
  request: IdTokenRequest,
  audience: string,
  requestUrl: string,
  requestToken: string,
): Promise<IdTokenResult> {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return invalidEndpoint('ACTIONS_ID_TOKEN_REQUEST_URL is not a URL');
  }
  url.searchParams.append('audience', audience);
  let status: number;
  let text: string;
  try {
    const res = await request.fetch(url.href, {
      headers: { accept: 'application/json', authorization: `Bearer ${requestToken}` },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (error) {
    const why =
      error instanceof Error && error.name === 'TimeoutError'
        ? `timed out after ${request.timeoutMs} ms`
        : messageOf(error);
    return {
      kind: 'unavailable',
      code: 'OIDC_UNAVAILABLE',
      reason: redact(`GitHub Actions' id token endpoint could not be reached (${why})`),
      hint: "Run the job again; if it persists, check the runner's network and proxy settings.",
    };
  }
  if (status < 200 || status >= 300) {
    return {
      kind: 'unavailable',
      code: 'OIDC_UNAVAILABLE',
      reason: `GitHub Actions' id token endpoint answered HTTP ${status}`,
      hint: GITHUB_PERMISSION_HINT,
    };
  }
  let value: unknown;
  try {
    value = (JSON.parse(text) as { value?: unknown } | null)?.value;
  } catch {
    return invalidEndpoint(`its answer is not JSON (${text.length} bytes)`);
  }
  if (typeof value !== 'string' || value === '') return invalidEndpoint('its answer has no `value`');
  return decoded(value, 'github-actions');
}

function invalidEndpoint(why: string): IdTokenResult {
  return {
    kind: 'invalid',
    reason: `GitHub Actions' id token endpoint gave no usable token: ${why}`,
    hint: "Check ACTIONS_ID_TOKEN_REQUEST_URL: it must be the runner's own token endpoint.",
  };
}
