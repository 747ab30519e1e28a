import type { CiName, RunnerKind } from '../report/types.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import { ciVendorName, looksLikeCi } from './vendors.js';

export { ciVendorName, looksLikeCi } from './vendors.js';

type Env = Readonly<Record<string, string | undefined>>;

export interface CiWorkflow {
  /** e.g. `.github/workflows/release.yml` (GitHub) or `.gitlab-ci.yml` (GitLab). */
  path: string;
  /** e.g. `refs/heads/main`. */
  ref: string | null;
}

export interface GitlabDetails {
  /** `SIGSTORE_ID_TOKEN` is set (an `id_tokens:` entry with `aud: sigstore`). */
  sigstoreToken: boolean;
  /** `NPM_ID_TOKEN` is set (npm trusted publishing from GitLab). */
  npmIdToken: boolean;
  /** `CI_SERVER_HOST`, e.g. `gitlab.com`. */
  serverHost: string | null;
}

export interface CiEnvironment {
  ci: CiName;
  /** Vendor display name (`GitHub Actions`, `CircleCI`, …), null without CI. */
  provider: string | null;
  /** `https://host/owner/repo` as the CI reports it, normalised. */
  repository: string | null;
  runner: RunnerKind | null;
  /** Whether the job can obtain an OIDC identity token for Sigstore. */
  oidc: boolean;
  workflow: CiWorkflow | null;
  commit: string | null;
  /** GitHub: `GITHUB_SERVER_URL` (`https://github.com` unless Enterprise Server). */
  serverUrl: string | null;
  gitlab: GitlabDetails | null;
}

const NONE: CiEnvironment = {
  ci: 'none',
  provider: null,
  repository: null,
  runner: null,
  oidc: false,
  workflow: null,
  commit: null,
  serverUrl: null,
  gitlab: null,
};

/** `owner/repo/.github/workflows/x.yml@refs/heads/main` → path and ref. */
export function parseGithubWorkflowRef(value: string | undefined): CiWorkflow | null {
  if (!value) return null;
  const at = value.indexOf('@');
  const full = at === -1 ? value : value.slice(0, at);
  const ref = at === -1 ? null : value.slice(at + 1) || null;
  const marker = full.indexOf('/.github/');
  const path = marker === -1 ? full : full.slice(marker + 1);
  return { path, ref };
}

function nonEmpty(value: string | undefined): string | null {
  return value === undefined || value === '' ? null : value;
}

/** Reads the CI environment from an injected `env` (never `process.env`). */
export function detectCi(env: Env): CiEnvironment {
  if (env.GITHUB_ACTIONS === 'true') {
    const serverUrl = (nonEmpty(env.GITHUB_SERVER_URL) ?? 'https://github.com').replace(/\/+$/, '');
    const repo = nonEmpty(env.GITHUB_REPOSITORY);
    const runnerEnv = env.RUNNER_ENVIRONMENT;
    return {
      ci: 'github-actions',
      provider: 'GitHub Actions',
      repository: repo ? normalizeRepositoryUrl(`${serverUrl}/${repo}`) : null,
      runner: runnerEnv === 'github-hosted' || runnerEnv === 'self-hosted' ? runnerEnv : null,
      oidc: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
      workflow:
        parseGithubWorkflowRef(env.GITHUB_WORKFLOW_REF) ??
        (env.GITHUB_REF ? { path: '', ref: env.GITHUB_REF } : null),
      commit: nonEmpty(env.GITHUB_SHA),
      serverUrl,
      gitlab: null,
    };
  }
  if (env.GITLAB_CI === 'true' || (env.GITLAB_CI !== undefined && env.CI_PROJECT_URL)) {
    const description = env.CI_RUNNER_DESCRIPTION;
    // GitLab.com's hosted runners are managed by `*.runners-manager.gitlab.com`.
    const hosted = description === undefined ? null : /runners-manager\.gitlab\.com/.test(description);
    const sigstoreToken = Boolean(env.SIGSTORE_ID_TOKEN);
    return {
      ci: 'gitlab-ci',
      provider: 'GitLab CI',
      repository: normalizeRepositoryUrl(env.CI_PROJECT_URL),
      runner: hosted === false ? 'self-hosted' : null,
      oidc: sigstoreToken,
      workflow: {
        path: nonEmpty(env.CI_CONFIG_PATH) ?? '.gitlab-ci.yml',
        ref: nonEmpty(env.CI_COMMIT_REF_NAME),
      },
      commit: nonEmpty(env.CI_COMMIT_SHA),
      serverUrl: nonEmpty(env.CI_SERVER_URL),
      gitlab: {
        sigstoreToken,
        npmIdToken: Boolean(env.NPM_ID_TOKEN),
        serverHost: nonEmpty(env.CI_SERVER_HOST),
      },
    };
  }
  if (looksLikeCi(env)) return { ...NONE, ci: 'other', provider: ciVendorName(env) };
  return NONE;
}
