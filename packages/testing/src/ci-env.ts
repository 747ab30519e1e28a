import { encodeRequestToken, resolveGitHubIdentity, type GitHubIdentity } from './sigstore/id-token.js';

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

export interface GitLabCiEnvOptions {
  /** `group/project` */
  projectPath: string;
  serverUrl?: string;
  sha?: string;
  ref?: string;
  /** The SIGSTORE_ID_TOKEN value; a placeholder JWT when left out. null: leave the variable out. */
  sigstoreIdToken?: string | null;
  runnerId?: string;
}

/** The detection variables of a GitLab CI job (no signing: the rig's Fulcio speaks GitHub). */
export function gitlabCiEnv(options: GitLabCiEnvOptions): Env {
  const serverUrl = options.serverUrl ?? 'https://gitlab.com';
  const projectUrl = `${serverUrl}/${options.projectPath}`;
  const ref = options.ref ?? 'main';
  const sha = options.sha ?? 'b'.repeat(40);
  const [namespace = '', name = options.projectPath] = options.projectPath.split(/\/(?=[^/]+$)/);
  const env: Env = {
    CI: 'true',
    GITLAB_CI: 'true',
    CI_SERVER: 'yes',
    CI_SERVER_URL: serverUrl,
    CI_SERVER_HOST: new URL(serverUrl).host,
    CI_SERVER_PROTOCOL: new URL(serverUrl).protocol.replace(':', ''),
    CI_PROJECT_PATH: options.projectPath,
    CI_PROJECT_URL: projectUrl,
    CI_PROJECT_NAME: name,
    CI_PROJECT_NAMESPACE: namespace,
    CI_PROJECT_VISIBILITY: 'public',
    CI_COMMIT_SHA: sha,
    CI_COMMIT_REF_NAME: ref,
    CI_COMMIT_BRANCH: ref,
    CI_DEFAULT_BRANCH: 'main',
    CI_CONFIG_PATH: '.gitlab-ci.yml',
    CI_JOB_ID: '777',
    CI_JOB_NAME: 'release',
    CI_JOB_URL: `${projectUrl}/-/jobs/777`,
    CI_PIPELINE_ID: '555',
    CI_PIPELINE_URL: `${projectUrl}/-/pipelines/555`,
    CI_RUNNER_ID: options.runnerId ?? '12270807',
    CI_RUNNER_DESCRIPTION: '3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default',
    CI_RUNNER_EXECUTABLE_ARCH: 'linux/amd64',
    CI_RUNNER_TAGS: '["saas-linux-small-amd64"]',
  };
  if (options.sigstoreIdToken !== null) {
    env.SIGSTORE_ID_TOKEN =
      options.sigstoreIdToken ?? placeholderGitLabToken(options.projectPath, serverUrl, ref);
  }
  return env;
}

function placeholderGitLabToken(projectPath: string, serverUrl: string, ref: string): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const host = new URL(serverUrl).host;
  const claims = {
    iss: serverUrl,
    aud: 'sigstore',
    sub: `project_path:${projectPath}:ref_type:branch:ref:${ref}`,
    project_path: projectPath,
    ci_config_ref_uri: `${host}/${projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
  };
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

const CI_VARIABLE =
  /^(CI|CI_.*|GITHUB_.*|GITLAB_.*|ACTIONS_.*|RUNNER_.*|SIGSTORE_.*|BUILDKITE.*|CIRCLECI|TRAVIS|JENKINS_URL|TF_BUILD|NPM_CONFIG_.*|PNPM_.*|YARN_.*|HTTPS?_PROXY|NO_PROXY|NODE_EXTRA_CA_CERTS)$/i;

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
