/**
 * The claims of a CI's OIDC id token that decide npm's trusted-publisher match
 * (SPEC §7). Decoded, not verified: the registry verifies the signature; we
 * only need to say which claims we presented.
 */
export interface IdTokenClaims {
  iss: string | null;
  aud: string[];
  /** Seconds since the epoch. */
  exp: number | null;
  sub: string | null;
  /** GitHub: `owner/repo`. */
  repository: string | null;
  /** GitHub: the calling workflow, `owner/repo/.github/workflows/x.yml@ref` (npm matches this one). */
  workflowRef: string | null;
  /** GitHub: the workflow that runs the job (differs for a reusable workflow). */
  jobWorkflowRef: string | null;
  environment: string | null;
  /** GitHub `repository_visibility`, GitLab `project_visibility`. */
  visibility: string | null;
  /** GitHub: `github-hosted` | `self-hosted`. */
  runnerEnvironment: string | null;
  /** GitLab: `group/project`. */
  projectPath: string | null;
  /** GitLab: `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main`. */
  ciConfigRefUri: string | null;
}

export type DecodedIdToken = { ok: true; claims: IdTokenClaims } | { ok: false; why: string };

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** Splits and decodes a compact JWS; never throws. */
export function decodeIdToken(token: string): DecodedIdToken {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || parts.some((p) => !/^[A-Za-z0-9_-]*$/.test(p)) || !parts[1]) {
    return { ok: false, why: 'it is not a JSON Web Token (three base64url parts separated by dots)' };
  }
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as unknown;
  } catch {
    return { ok: false, why: 'its payload is not JSON' };
  }
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    return { ok: false, why: 'its payload is not a JSON object' };
  }
  const c = payload as Record<string, unknown>;
  const aud = Array.isArray(c.aud) ? c.aud.filter((a): a is string => typeof a === 'string') : [];
  if (typeof c.aud === 'string') aud.push(c.aud);
  const claims: IdTokenClaims = {
    iss: str(c.iss),
    aud,
    exp: typeof c.exp === 'number' && Number.isFinite(c.exp) ? c.exp : null,
    sub: str(c.sub),
    repository: str(c.repository),
    workflowRef: str(c.workflow_ref),
    jobWorkflowRef: str(c.job_workflow_ref),
    environment: str(c.environment),
    visibility: str(c.repository_visibility) ?? str(c.project_visibility),
    runnerEnvironment: str(c.runner_environment),
    projectPath: str(c.project_path),
    ciConfigRefUri: str(c.ci_config_ref_uri),
  };
  if (claims.iss === null) return { ok: false, why: 'it has no issuer (iss) claim' };
  return { ok: true, claims };
}

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `release.yml` (what `npm trust --file` takes). */
export function workflowFileOf(workflowRef: string | null): string | null {
  if (!workflowRef) return null;
  const path = workflowRef.split('@')[0] ?? '';
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file === '' ? null : file;
}

/** GitLab: `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main` → `.gitlab-ci.yml`. */
export function gitlabCiFileOf(ciConfigRefUri: string | null): string | null {
  if (!ciConfigRefUri) return null;
  const path = ciConfigRefUri.split('@')[0] ?? '';
  const sep = path.indexOf('//');
  return sep === -1 ? null : path.slice(sep + 2) || null;
}

/** A reusable workflow: npm matches the caller's file (`workflow_ref`), not the one running the job. */
export function isReusableWorkflow(claims: IdTokenClaims): boolean {
  if (!claims.workflowRef || !claims.jobWorkflowRef) return false;
  return claims.workflowRef !== claims.jobWorkflowRef;
}
