// The `provenant check` end-to-end environments: simulated CI jobs (no Sigstore routing needed:
// check signs nothing). The rig itself (registry, temp dirs, readers) is ./rig.ts.
import { cleanEnv, githubActionsEnv, gitlabCiEnv, toolPathEnv } from '../../packages/testing/dist/index.js';
import { runCli, type CliResult } from './run-cli.js';

type Env = Record<string, string>;

// check never signs: the Sigstore endpoints only have to be well-formed.
const NO_SIGSTORE = {
  proxyUrl: 'http://127.0.0.1:9',
  oidcUrl: 'http://127.0.0.1:9/oidc',
  caCertPath: '/nonexistent',
};
const SIGSTORE_ROUTING = ['HTTPS_PROXY', 'https_proxy', 'NO_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS'];

/** A clean environment (no outer CI, no npm_* settings) with pnpm/yarn/changeset shims on PATH and `home` as HOME. */
export function localEnv(home: string, extra: Env = {}): Env {
  return { ...toolPathEnv(cleanEnv()), HOME: home, USERPROFILE: home, NO_COLOR: '1', ...extra };
}

export interface GitHubOptions {
  idTokenPermission?: boolean;
  runnerEnvironment?: 'github-hosted' | 'self-hosted';
}

/** A GitHub Actions job of `repository` (`owner/name`). */
export function githubEnv(
  home: string,
  repository: string,
  options: GitHubOptions = {},
  extra: Env = {},
): Env {
  const gh = githubActionsEnv({
    sigstore: NO_SIGSTORE,
    repository,
    workflow: '.github/workflows/release.yml',
    idTokenPermission: options.idTokenPermission ?? true,
  });
  for (const key of SIGSTORE_ROUTING) delete gh[key];
  if (options.runnerEnvironment) gh.RUNNER_ENVIRONMENT = options.runnerEnvironment;
  return localEnv(home, { ...gh, ...extra });
}

/** A GitLab CI job of `projectPath`; `sigstoreToken: false` leaves SIGSTORE_ID_TOKEN out. */
export function gitlabEnv(home: string, projectPath: string, sigstoreToken = true): Env {
  return localEnv(home, gitlabCiEnv({ projectPath, ...(sigstoreToken ? {} : { sigstoreIdToken: null }) }));
}

export function check(dir: string, args: string[], env: Env, timeoutMs = 60_000): Promise<CliResult> {
  return runCli(['check', ...args], { cwd: dir, env, timeoutMs });
}

// The readers (statuses, codes, envCodes, treeHash, STACK_TRACE) live in the one rig helper.
export { codes, envCodes, statuses, STACK_TRACE, treeHash } from './rig.js';
