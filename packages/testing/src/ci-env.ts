import {
  gitlabIdTokenClaims,
  resolveGitLabIdentity,
  type GitLabIdentity,
} from './sigstore/gitlab-id-token.js';
import {
  IdTokenIssuer,
  encodeRequestToken,
  resolveGitHubIdentity,
  type GitHubIdentity,
} from './sigstore/id-token.js';

type Env = Record<string, string>;

/** What githubActionsEnv needs from the local Sigstore (a `Sigstore` fits). */
export interface SigstoreEndpoints {
  proxyUrl: string;
  oidcUrl: string;
  caCertPath: string;
}

export interface GitHubActionsEnvOptions extends GitHubIdentity {
  sigstore: SigstoreEndpoints;
  /** false: leave out ACTIONS_ID_TOKEN_REQUEST_* (a job without `id-token: write`). Default true. */
  idTokenPermission?: boolean;
}

/** Routes a publisher's Sigstore traffic through the rig: proxy for `*.sigstore.dev`, trust its CA. */
export function sigstoreProxyEnv(sigstore: SigstoreEndpoints): Env {
  return {
    HTTPS_PROXY: sigstore.proxyUrl,
    https_proxy: sigstore.proxyUrl,
    // Without NO_PROXY npm would send its plain-HTTP registry calls through the proxy too.
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    NODE_EXTRA_CA_CERTS: sigstore.caCertPath,
  };
}

/** The environment of a GitHub Actions job that may sign (an `id-token: write` job on a GitHub-hosted runner). */
export function githubActionsEnv(options: GitHubActionsEnvOptions): Env {
  const id = resolveGitHubIdentity(options);
  const [owner = id.repository, name = ''] = id.repository.split('/');
  const env: Env = {
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    RUNNER_ENVIRONMENT: id.runnerEnvironment,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    GITHUB_SERVER_URL: id.serverUrl,
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_REPOSITORY: id.repository,
    GITHUB_REPOSITORY_OWNER: owner,
    GITHUB_REPOSITORY_ID: id.repositoryId,
    GITHUB_REPOSITORY_OWNER_ID: id.repositoryOwnerId,
    GITHUB_WORKFLOW: 'Release',
    GITHUB_WORKFLOW_REF: `${id.repository}/${id.workflow}@${id.ref}`,
    GITHUB_WORKFLOW_SHA: id.sha,
    GITHUB_SHA: id.sha,
    GITHUB_REF: id.ref,
    GITHUB_REF_NAME: id.ref.replace(/^refs\/(heads|tags)\//, ''),
    GITHUB_REF_TYPE: id.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_RUN_ID: id.runId,
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: id.runAttempt,
    GITHUB_EVENT_NAME: id.eventName,
    GITHUB_JOB: 'release',
    GITHUB_ACTOR: owner,
    GITHUB_TRIGGERING_ACTOR: owner,
    GITHUB_ACTION: 'release',
    GITHUB_WORKSPACE: `/home/runner/work/${name}/${name}`,
    ...sigstoreProxyEnv(options.sigstore),
  };
  if (options.idTokenPermission !== false) {
    env.ACTIONS_ID_TOKEN_REQUEST_URL = `${options.sigstore.oidcUrl}?api-version=2.0`;
    // Only the identity: the Sigstore handle carries a request log that grows with every
    // signing, and a token past 16 KB makes the OIDC endpoint answer 431.
    // eslint-disable-next-line @typescript-eslint/no-unused-vars
    const { sigstore, idTokenPermission, ...identity } = options;
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = encodeRequestToken(identity);
  }
  return env;
}

export interface GitLabCiEnvOptions extends GitLabIdentity {
  /**
   * The rig's Sigstore: id tokens are signed with its key and the job routes `*.sigstore.dev`
   * through it, so `npm publish --provenance` signs with a GitLab certificate. Without it the
   * tokens are signed with a throwaway key (enough for detection and the registry's exchange).
   */
  sigstore?: SigstoreEndpoints & { mintIdToken(claims: Record<string, unknown>): string };
  /** SIGSTORE_ID_TOKEN (audience `sigstore`); minted when left out; null leaves the variable out. */
  sigstoreIdToken?: string | null;
  /** NPM_ID_TOKEN (audience `npmAudience`) for npm trusted publishing; minted when left out; null leaves it out. */
  npmIdToken?: string | null;
  /** Default `npm:127.0.0.1` (the rig's registry; npmjs would be `npm:registry.npmjs.org`). */
  npmAudience?: string;
}

let throwawayIssuer: IdTokenIssuer | undefined;

/**
 * The environment of a GitLab CI job with `id_tokens:` for npm (NPM_ID_TOKEN) and Sigstore
 * (SIGSTORE_ID_TOKEN), both carrying GitLab's claims (gitlab-id-token.ts).
 */
export function gitlabCiEnv(options: GitLabCiEnvOptions): Env {
  const id = resolveGitLabIdentity(options);
  const projectUrl = `${id.serverUrl}/${id.projectPath}`;
  const env: Env = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER: 'yes',
    CI_SERVER_URL: id.serverUrl,
    CI_SERVER_HOST: id.host,
    CI_SERVER_PROTOCOL: new URL(id.serverUrl).protocol.replace(':', ''),
    CI_API_V4_URL: `${id.serverUrl}/api/v4`,
    CI_PROJECT_ID: id.projectId,
    CI_PROJECT_PATH: id.projectPath,
    CI_PROJECT_URL: projectUrl,
    CI_PROJECT_NAME: id.projectName,
    CI_PROJECT_NAMESPACE: id.namespacePath,
    CI_PROJECT_VISIBILITY: id.projectVisibility,
    CI_COMMIT_SHA: id.sha,
    CI_COMMIT_REF_NAME: id.ref,
    ...(id.refType === 'branch' ? { CI_COMMIT_BRANCH: id.ref } : { CI_COMMIT_TAG: id.ref }),
    CI_DEFAULT_BRANCH: 'main',
    CI_CONFIG_PATH: id.ciConfigPath,
    CI_JOB_ID: id.jobId,
    CI_JOB_NAME: 'release',
    CI_JOB_URL: `${projectUrl}/-/jobs/${id.jobId}`,
    CI_PIPELINE_ID: id.pipelineId,
    CI_PIPELINE_SOURCE: id.pipelineSource,
    CI_PIPELINE_URL: `${projectUrl}/-/pipelines/${id.pipelineId}`,
    CI_RUNNER_ID: id.runnerId,
    CI_RUNNER_DESCRIPTION: '3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default',
    CI_RUNNER_EXECUTABLE_ARCH: 'linux/amd64',
    CI_RUNNER_TAGS: '["saas-linux-small-amd64"]',
    GITLAB_USER_LOGIN: 'release-bot',
    ...(id.environment ? { CI_ENVIRONMENT_NAME: id.environment } : {}),
    ...(options.sigstore ? sigstoreProxyEnv(options.sigstore) : {}),
  };
  const mint = (audience: string) => {
    const claims = gitlabIdTokenClaims(options, audience);
    if (options.sigstore) return options.sigstore.mintIdToken(claims);
    throwawayIssuer ??= new IdTokenIssuer();
    return throwawayIssuer.mint(claims);
  };
  if (options.sigstoreIdToken !== null) env.SIGSTORE_ID_TOKEN = options.sigstoreIdToken ?? mint('sigstore');
  if (options.npmIdToken !== null) {
    env.NPM_ID_TOKEN = options.npmIdToken ?? mint(options.npmAudience ?? 'npm:127.0.0.1');
  }
  return env;
}

const CI_VARIABLE =
  /^(CI|CI_.*|GITHUB_.*|GITLAB_.*|ACTIONS_.*|RUNNER_.*|SIGSTORE_.*|NPM_ID_TOKEN|BUILDKITE.*|CIRCLECI|TRAVIS|JENKINS_URL|TF_BUILD|NPM_CONFIG_.*|PNPM_.*|YARN_.*|HTTPS?_PROXY|NO_PROXY|NODE_EXTRA_CA_CERTS)$/i;

/**
 * process.env minus anything that would leak the outer CI or package-manager settings into a
 * publisher (the tests may themselves run on GitHub Actions, under `pnpm run`).
 */
export function cleanEnv(base: NodeJS.ProcessEnv = process.env): Env {
  const env: Env = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !CI_VARIABLE.test(key) && !/^npm_/i.test(key)) env[key] = value;
  }
  return env;
}
