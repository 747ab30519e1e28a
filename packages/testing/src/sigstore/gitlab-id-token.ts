import { randomUUID } from 'node:crypto';
import { overlayClaims } from './id-token.js';

export const GITLAB_ISSUER = 'https://gitlab.com';

/** The GitLab CI job an id token describes (`id_tokens:` in .gitlab-ci.yml). Defaults: a push build of `main`. */
export interface GitLabIdentity {
  /** `group/project` (nested groups allowed). */
  projectPath: string;
  /** The instance, also the issuer. Default `https://gitlab.com`. */
  serverUrl?: string;
  /** Branch or tag name (not a full ref). Default `main`. */
  ref?: string;
  refType?: 'branch' | 'tag';
  sha?: string;
  /** The top-level CI file. Default `.gitlab-ci.yml`. */
  ciConfigPath?: string;
  /** The job's `environment:` (claim `environment`). */
  environment?: string;
  /** Claim `project_visibility`. Default `public`. */
  projectVisibility?: 'public' | 'internal' | 'private';
  /** Default `gitlab-hosted`. */
  runnerEnvironment?: 'gitlab-hosted' | 'self-hosted';
  /** Claim `pipeline_source`. Default `push`. */
  pipelineSource?: string;
  jobId?: string;
  pipelineId?: string;
  projectId?: string;
  namespaceId?: string;
  runnerId?: string;
  /** Seconds from minting to `exp`. Default 3600; 0 or less mints an expired token. */
  tokenLifetimeSeconds?: number;
  /** Claims set last; a null value removes the claim. */
  extraClaims?: Record<string, unknown>;
}

export interface ResolvedGitLabIdentity {
  projectPath: string;
  serverUrl: string;
  host: string;
  namespacePath: string;
  projectName: string;
  ref: string;
  refType: 'branch' | 'tag';
  sha: string;
  ciConfigPath: string;
  /** `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main`: the certificate SAN without `https://`. */
  ciConfigRefUri: string;
  environment: string | null;
  projectVisibility: string;
  runnerEnvironment: string;
  pipelineSource: string;
  jobId: string;
  pipelineId: string;
  projectId: string;
  namespaceId: string;
  runnerId: string;
}

export function resolveGitLabIdentity(identity: GitLabIdentity): ResolvedGitLabIdentity {
  const serverUrl = identity.serverUrl ?? GITLAB_ISSUER;
  const host = new URL(serverUrl).host;
  const ref = identity.ref ?? 'main';
  const refType = identity.refType ?? 'branch';
  const ciConfigPath = identity.ciConfigPath ?? '.gitlab-ci.yml';
  const split = identity.projectPath.lastIndexOf('/');
  const fullRef = `refs/${refType === 'branch' ? 'heads' : 'tags'}/${ref}`;
  return {
    projectPath: identity.projectPath,
    serverUrl,
    host,
    namespacePath: split > 0 ? identity.projectPath.slice(0, split) : '',
    projectName: identity.projectPath.slice(split + 1),
    ref,
    refType,
    sha: identity.sha ?? 'b'.repeat(40),
    ciConfigPath,
    ciConfigRefUri: `${host}/${identity.projectPath}//${ciConfigPath}@${fullRef}`,
    environment: identity.environment ?? null,
    projectVisibility: identity.projectVisibility ?? 'public',
    runnerEnvironment: identity.runnerEnvironment ?? 'gitlab-hosted',
    pipelineSource: identity.pipelineSource ?? 'push',
    jobId: identity.jobId ?? '777',
    pipelineId: identity.pipelineId ?? '555',
    projectId: identity.projectId ?? '300003',
    namespaceId: identity.namespaceId ?? '400004',
    runnerId: identity.runnerId ?? '12270807',
  };
}

/** The claims of a GitLab CI id token (docs.gitlab.com "ID token authentication"). */
export function gitlabIdTokenClaims(identity: GitLabIdentity, audience: string): Record<string, unknown> {
  const id = resolveGitLabIdentity(identity);
  const now = Math.floor(Date.now() / 1000);
  const claims: Record<string, unknown> = {
    jti: randomUUID(),
    iss: id.serverUrl,
    aud: audience,
    sub: `project_path:${id.projectPath}:ref_type:${id.refType}:ref:${id.ref}`,
    iat: now,
    nbf: now - 5,
    exp: now + (identity.tokenLifetimeSeconds ?? 3600),
    namespace_id: id.namespaceId,
    namespace_path: id.namespacePath,
    project_id: id.projectId,
    project_path: id.projectPath,
    project_visibility: id.projectVisibility,
    user_id: '500005',
    user_login: 'release-bot',
    user_email: 'release-bot@example.com',
    user_access_level: 'maintainer',
    pipeline_id: id.pipelineId,
    pipeline_source: id.pipelineSource,
    job_id: id.jobId,
    ref: id.ref,
    ref_type: id.refType,
    ref_path: `refs/${id.refType === 'branch' ? 'heads' : 'tags'}/${id.ref}`,
    ref_protected: 'true',
    runner_id: Number(id.runnerId),
    runner_environment: id.runnerEnvironment,
    sha: id.sha,
    ci_config_ref_uri: id.ciConfigRefUri,
    ci_config_sha: id.sha,
  };
  if (id.environment) {
    claims.environment = id.environment;
    claims.environment_protected = 'false';
    claims.deployment_tier = 'production';
  }
  return overlayClaims(claims, identity.extraClaims ?? {});
}
