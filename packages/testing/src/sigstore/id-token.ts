import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The GitHub Actions job a token describes. Defaults make a plain push build of `main`. */
export interface GitHubIdentity {
  /** `owner/repo` */
  repository: string;
  /** Workflow file path, e.g. `.github/workflows/release.yml`. */
  workflow?: string;
  /** e.g. `refs/heads/main` or `refs/tags/v1.0.0` */
  ref?: string;
  /** 40-hex commit */
  sha?: string;
  runId?: string;
  runAttempt?: string;
  eventName?: string;
  runnerEnvironment?: 'github-hosted' | 'self-hosted';
  /** Set for a reusable workflow: `org/repo/.github/workflows/x.yml@ref`; it becomes the certificate SAN. */
  jobWorkflowRef?: string;
  repositoryId?: string;
  repositoryOwnerId?: string;
  serverUrl?: string;
  /** The job's deployment `environment:` (claim `environment`; `sub` then names it). */
  environment?: string;
  /** Claim `repository_visibility`. Default `public`. */
  repositoryVisibility?: 'public' | 'private' | 'internal';
  /** Claim `iss`. Default GitHub's; an enterprise-scoped one is `https://token.actions.githubusercontent.com/<slug>`. */
  issuer?: string;
  /** Seconds from minting to `exp`. Default 600 (GitHub: 5–10 min); 0 or less mints an expired token. */
  tokenLifetimeSeconds?: number;
  /** Claims set last, over the computed ones; a null value removes the claim (e.g. `{ exp: null }`). */
  extraClaims?: Record<string, unknown>;
}

type OptionalIdentityFields = 'jobWorkflowRef' | 'environment' | 'extraClaims' | 'tokenLifetimeSeconds';

export type ResolvedGitHubIdentity = Required<Omit<GitHubIdentity, OptionalIdentityFields>> & {
  jobWorkflowRef: string;
  environment: string | null;
  tokenLifetimeSeconds: number;
  extraClaims: Record<string, unknown>;
};

export function resolveGitHubIdentity(identity: GitHubIdentity): ResolvedGitHubIdentity {
  const workflow = identity.workflow ?? '.github/workflows/release.yml';
  const ref = identity.ref ?? 'refs/heads/main';
  return {
    repository: identity.repository,
    workflow,
    ref,
    sha: identity.sha ?? 'a'.repeat(40),
    runId: identity.runId ?? '4242',
    runAttempt: identity.runAttempt ?? '1',
    eventName: identity.eventName ?? 'push',
    runnerEnvironment: identity.runnerEnvironment ?? 'github-hosted',
    jobWorkflowRef: identity.jobWorkflowRef ?? `${identity.repository}/${workflow}@${ref}`,
    repositoryId: identity.repositoryId ?? '100001',
    repositoryOwnerId: identity.repositoryOwnerId ?? '200002',
    serverUrl: identity.serverUrl ?? 'https://github.com',
    environment: identity.environment ?? null,
    repositoryVisibility: identity.repositoryVisibility ?? 'public',
    issuer: identity.issuer ?? GITHUB_ISSUER,
    tokenLifetimeSeconds: identity.tokenLifetimeSeconds ?? 600,
    extraClaims: identity.extraClaims ?? {},
  };
}

/** `claims` with `extra` laid over them; a null in `extra` removes that claim. */
export function overlayClaims(
  claims: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  const result = { ...claims };
  for (const [key, value] of Object.entries(extra)) {
    if (value === null) delete result[key];
    else result[key] = value;
  }
  return result;
}

/**
 * The claims GitHub puts in an Actions OIDC token (the ones Fulcio and npm's exchange read, and
 * a few more). `workflow_ref` is the calling workflow; `job_workflow_ref` the reusable one if any.
 */
export function githubIdTokenClaims(identity: GitHubIdentity, audience: string): Record<string, unknown> {
  const id = resolveGitHubIdentity(identity);
  const now = Math.floor(Date.now() / 1000);
  const owner = id.repository.split('/')[0] ?? id.repository;
  const workflowRef = `${id.repository}/${id.workflow}@${id.ref}`;
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    sub: id.environment
      ? `repo:${id.repository}:environment:${id.environment}`
      : `repo:${id.repository}:ref:${id.ref}`,
    aud: audience,
    iss: id.issuer,
    iat: now,
    nbf: now - 5,
    exp: now + id.tokenLifetimeSeconds,
    ref: id.ref,
    ref_type: id.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    sha: id.sha,
    repository: id.repository,
    repository_id: id.repositoryId,
    repository_owner: owner,
    repository_owner_id: id.repositoryOwnerId,
    repository_visibility: id.repositoryVisibility,
    run_id: id.runId,
    run_number: '1',
    run_attempt: id.runAttempt,
    runner_environment: id.runnerEnvironment,
    actor: owner,
    event_name: id.eventName,
    workflow: 'Release',
    workflow_ref: workflowRef,
    workflow_sha: id.sha,
    job_workflow_ref: id.jobWorkflowRef,
    job_workflow_sha: id.sha,
  };
  if (id.environment) claims.environment = id.environment;
  return overlayClaims(claims, id.extraClaims);
}

const REQUEST_TOKEN_PREFIX = 'rig.';

/** The `ACTIONS_ID_TOKEN_REQUEST_TOKEN` for an identity: the rig's OIDC endpoint reads the job from it. */
export function encodeRequestToken(identity: GitHubIdentity): string {
  return REQUEST_TOKEN_PREFIX + Buffer.from(JSON.stringify(identity)).toString('base64url');
}

export function decodeRequestToken(token: string): GitHubIdentity | null {
  if (!token.startsWith(REQUEST_TOKEN_PREFIX)) return null;
  try {
    const identity = JSON.parse(
      Buffer.from(token.slice(REQUEST_TOKEN_PREFIX.length), 'base64url').toString(),
    );
    return typeof identity?.repository === 'string' ? (identity as GitHubIdentity) : null;
  } catch {
    return null;
  }
}

function base64urlJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A JSON Web Key Set, as an OIDC issuer publishes it (`jwks_uri`). */
export interface JwksDocument {
  keys: Array<Record<string, unknown>>;
}

/**
 * Signs JWTs (ES256) with a key made for this rig. The signature is real; the registry checks it
 * only after `registry.requireSignedIdTokens(sigstore.idTokenJwks)`.
 */
export class IdTokenIssuer {
  private readonly privateKey: KeyObject;
  readonly keyId = randomUUID();
  readonly jwks: JwksDocument;

  constructor() {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    this.privateKey = privateKey;
    this.jwks = {
      keys: [{ ...publicKey.export({ format: 'jwk' }), kid: this.keyId, alg: 'ES256', use: 'sig' }],
    };
  }

  mint(claims: Record<string, unknown>): string {
    const signingInput = `${base64urlJson({ alg: 'ES256', typ: 'JWT', kid: this.keyId })}.${base64urlJson(claims)}`;
    const signature = sign('sha256', Buffer.from(signingInput), {
      key: this.privateKey,
      dsaEncoding: 'ieee-p1363',
    });
    return `${signingInput}.${signature.toString('base64url')}`;
  }
}

/** The payload of a JWT, without verifying it. */
export function decodeJwtPayload(jwt: string): Record<string, unknown> {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Replaces a JWT's payload (keeping header and signature): the mock Fulcio only decodes it. */
export function withJwtPayload(jwt: string, payload: Record<string, unknown>): string {
  const [header, , signature] = jwt.split('.');
  return `${header}.${base64urlJson(payload)}.${signature ?? ''}`;
}
