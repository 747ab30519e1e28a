// Shared set-up of the `provenant check` end-to-end tests: simulated CI
// environments (no Sigstore needed: check signs nothing), a tree hash for
// "check changes no file", and accessors for the JSON report.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** One hash over every file's path and bytes under `dir` (node_modules left out). */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === 'node_modules') continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

export function statuses(result: CliResult): Record<string, string> {
  return Object.fromEntries((result.json?.packages ?? []).map((p) => [p.name, p.status]));
}

export function codes(result: CliResult, name: string): string[] {
  return (result.json?.packages ?? []).find((p) => p.name === name)?.problems.map((p) => p.code) ?? [];
}

/** `CODE:severity` of every environment problem. */
export function envCodes(result: CliResult): string[] {
  return (result.json?.environment.problems ?? []).map((p) => `${p.code}:${p.severity}`);
}

/** A stack trace line (`    at fn (file:1:2)`). */
export const STACK_TRACE = /\n\s+at /;
