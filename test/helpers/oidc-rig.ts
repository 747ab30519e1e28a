// Shared set-up of the trusted-publishing end-to-end tests (test/oidc-*.test.ts): one rig per
// file, workspaces whose packages already exist on the registry (a trusted publisher can only be
// attached to an existing package), tokenless .npmrc files, and GitHub/GitLab jobs whose id
// tokens the rig mints with the claims a case needs.
import { execFileSync } from 'node:child_process';
import {
  cleanEnv,
  githubActionsEnv,
  gitlabCiEnv,
  makeTempDir,
  makeWorkspace,
  prepublish,
  toolPathEnv,
  writeNpmrc,
  writeYarnrc,
  type GitHubIdentity,
  type GitLabCiEnvOptions,
  type WorkspaceSpec,
} from '../../packages/testing/dist/index.js';
import type { Rig } from './rig.js';

export const REPO = 'acme/widgets';
export const WORKFLOW_FILE = 'release.yml';

type Env = Record<string, string>;

export interface OidcWorkspace {
  dir: string;
  /** HOME for the job: outside the repository (npm writes its cache and logs there). */
  home: string;
  names: string[];
}

export interface OidcWorkspaceOptions {
  manager?: WorkspaceSpec['manager'];
  /** Packages that get 0.0.1 on the registry first (default: all). */
  existing?: readonly string[];
  /**
   * Trusted publisher for every existing package (default: GitHub, acme/widgets, release.yml;
   * GitLab: project acme/widgets, .gitlab-ci.yml); null: none.
   */
  trust?: {
    provider?: 'github' | 'gitlab';
    repository?: string;
    workflow?: string;
    environment?: string;
  } | null;
  /** A stored token in .npmrc (and .yarnrc.yml for yarn); default none. */
  token?: boolean;
  git?: boolean;
  changesets?: boolean;
  /** The packages' repository.url (default https://github.com/acme/widgets, or gitlab.com's for GitLab trust). */
  repository?: string;
}

/** A monorepo of `names` on the rig's registry, trusted publishing configured for the existing ones. */
export async function oidcWorkspace(
  rig: Rig,
  names: string[],
  options: OidcWorkspaceOptions = {},
): Promise<OidcWorkspace> {
  const dir = await makeTempDir('oidc-e2e');
  const home = await makeTempDir('oidc-e2e-home');
  rig.temp.push(dir, home);
  const gitlab = options.trust?.provider === 'gitlab';
  const packages = names.map((name, i) => ({
    name,
    ...(i > 0 && names[0]
      ? {
          dependencies: {
            [names[0]]: options.manager && options.manager !== 'npm' ? 'workspace:^' : '^1.0.0',
          },
        }
      : {}),
  }));
  await makeWorkspace(dir, {
    repository: options.repository ?? `https://${gitlab ? 'gitlab' : 'github'}.com/${REPO}`,
    packages,
    ...(options.manager ? { manager: options.manager } : {}),
    ...(options.changesets ? { changesets: true } : {}),
    git: options.git ?? true,
  });
  const token = options.token ? rig.registry.token : null;
  await writeNpmrc(dir, { url: rig.registry.url, token });
  if (options.manager === 'yarn') await writeYarnrc(dir, { url: rig.registry.url, token });
  if (options.git ?? true) {
    execFileSync('git', ['add', '-A'], { cwd: dir });
    execFileSync('git', ['commit', '-qm', 'config', '--allow-empty'], { cwd: dir });
  }
  for (const name of options.existing ?? names) {
    await prepublish(rig.registry, { name, version: '0.0.1' });
    if (options.trust === null) continue;
    const environment = options.trust?.environment ? { environment: options.trust.environment } : {};
    await rig.registry.setTrustedPublisher(
      name,
      gitlab
        ? { provider: 'gitlab', projectPath: REPO, ciFile: '.gitlab-ci.yml', ...environment }
        : {
            provider: 'github',
            repository: options.trust?.repository ?? REPO,
            workflow: options.trust?.workflow ?? WORKFLOW_FILE,
            ...environment,
          },
    );
  }
  return { dir, home, names };
}

/** A GitHub-hosted job of acme/widgets running .github/workflows/release.yml, unless told otherwise. */
export function githubJob(
  rig: Rig,
  home: string,
  identity: Partial<GitHubIdentity> = {},
  extra: Env = {},
): Env {
  return {
    ...toolPathEnv(cleanEnv()),
    HOME: home,
    ...githubActionsEnv({
      sigstore: rig.sigstore,
      repository: REPO,
      workflow: `.github/workflows/${WORKFLOW_FILE}`,
      ...identity,
    }),
    ...extra,
  };
}

/** A GitLab.com job of acme/widgets with NPM_ID_TOKEN and SIGSTORE_ID_TOKEN, unless told otherwise. */
export function gitlabJob(
  rig: Rig,
  home: string,
  extra: Env = {},
  identity: Partial<GitLabCiEnvOptions> = {},
): Env {
  return {
    ...toolPathEnv(cleanEnv()),
    HOME: home,
    ...gitlabCiEnv({ projectPath: REPO, sigstore: rig.sigstore, ...identity }),
    ...extra,
  };
}
