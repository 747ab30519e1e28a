// A package's trusted-publisher configuration on the rig, and how an id token matches it
// (SPEC §7 "Matching"): GitHub on repository, the *calling* workflow's filename (from
// `workflow_ref`, never `job_workflow_ref`) and an optional environment; GitLab on project
// path, top-level CI file and an optional environment. Everything compares case-sensitively,
// and only hosted runners match.
import type { IdTokenClaims, OidcProvider } from './id-token-check.js';

/** `publish`: may publish; `stage`: may only stage a publish (a PUT gets 403). */
export type TrustedPublisherAction = 'publish' | 'stage';

export interface GitHubTrustedPublisher {
  provider: 'github';
  /** `owner/repo`, as `npm trust github --repo` takes it. */
  repository: string;
  /** The workflow *filename*, e.g. `release.yml` (`npm trust github --file`). */
  workflow: string;
  environment?: string;
  /** Default `['publish']`. */
  allowedActions?: TrustedPublisherAction[];
}

export interface GitLabTrustedPublisher {
  provider: 'gitlab';
  /** `group/project` (nested groups allowed). */
  projectPath: string;
  /** The top-level CI file path, e.g. `.gitlab-ci.yml`. */
  ciFile: string;
  environment?: string;
  allowedActions?: TrustedPublisherAction[];
}

export type TrustedPublisher = GitHubTrustedPublisher | GitLabTrustedPublisher;
export type StoredTrustedPublisher = TrustedPublisher & { oidcConfigId: string };

/** An error message for a configuration npm would not accept, else null. */
export function invalidTrustedPublisher(config: TrustedPublisher): string | null {
  if (config.provider === 'github') {
    if (!/^[^/\s]+\/[^/\s]+$/.test(config.repository)) return 'repository must be owner/repo';
    if (!/^[^/\s]+\.ya?ml$/.test(config.workflow)) {
      return 'workflow must be a bare filename such as release.yml';
    }
  } else if (config.provider === 'gitlab') {
    if (!/^[^/\s]+(\/[^/\s]+)+$/.test(config.projectPath)) return 'projectPath must be group/project';
    if (!config.ciFile || /\s/.test(config.ciFile)) return 'ciFile must be a path such as .gitlab-ci.yml';
  } else {
    return 'provider must be github or gitlab';
  }
  const actions = config.allowedActions;
  if (actions && actions.some((a) => a !== 'publish' && a !== 'stage')) {
    return 'allowedActions holds publish and/or stage';
  }
  return null;
}

/** `owner/repo/.github/workflows/release.yml@refs/heads/main` → `release.yml`. */
export function workflowFileOf(workflowRef: unknown): string | null {
  if (typeof workflowRef !== 'string') return null;
  const path = workflowRef.split('@')[0] ?? '';
  const match = /^[^/]+\/[^/]+\/\.github\/workflows\/([^/]+)$/.exec(path);
  return match?.[1] ?? null;
}

/** `gitlab.com/group/project//.gitlab-ci.yml@refs/heads/main` → `.gitlab-ci.yml`. */
export function ciConfigFileOf(ciConfigRefUri: unknown): string | null {
  if (typeof ciConfigRefUri !== 'string') return null;
  const at = ciConfigRefUri.lastIndexOf('@');
  const withoutRef = at >= 0 ? ciConfigRefUri.slice(0, at) : ciConfigRefUri;
  const split = withoutRef.indexOf('//');
  return split >= 0 ? withoutRef.slice(split + 2) || null : null;
}

function environmentMatches(config: TrustedPublisher, claims: IdTokenClaims): boolean {
  return config.environment === undefined || config.environment === claims.environment;
}

function matchesOne(config: TrustedPublisher, claims: IdTokenClaims): boolean {
  if (config.provider === 'github') {
    return (
      claims.runner_environment === 'github-hosted' &&
      claims.repository === config.repository &&
      workflowFileOf(claims.workflow_ref) === config.workflow &&
      environmentMatches(config, claims)
    );
  }
  return (
    claims.runner_environment === 'gitlab-hosted' &&
    claims.project_path === config.projectPath &&
    ciConfigFileOf(claims.ci_config_ref_uri) === config.ciFile &&
    environmentMatches(config, claims)
  );
}

/** The first configured publisher of `provider` the claims match, or null. */
export function matchTrustedPublisher(
  provider: OidcProvider,
  claims: IdTokenClaims,
  publishers: readonly StoredTrustedPublisher[],
): StoredTrustedPublisher | null {
  return publishers.find((p) => p.provider === provider && matchesOne(p, claims)) ?? null;
}

/** What a version published through this publisher carries as `_npmUser` (as registry.npmjs.org writes it). */
export function trustedPublisherNpmUser(publisher: StoredTrustedPublisher): Record<string, unknown> {
  const who =
    publisher.provider === 'github'
      ? { name: 'GitHub Actions', email: 'npm-oidc-no-reply@github.com' }
      : { name: 'GitLab CI/CD', email: 'npm-oidc-no-reply@gitlab.com' };
  return { ...who, trustedPublisher: { id: publisher.provider, oidcConfigId: publisher.oidcConfigId } };
}
