import { describe, expect, it } from 'vitest';
import { cleanEnv, githubActionsEnv, gitlabCiEnv } from './ci-env.js';
import { decodeJwtPayload, decodeRequestToken, githubIdTokenClaims } from './sigstore/id-token.js';

const sigstore = {
  proxyUrl: 'http://127.0.0.1:1',
  oidcUrl: 'http://127.0.0.1:1/oidc/token',
  caCertPath: '/ca.pem',
};

describe('githubActionsEnv', () => {
  it('describes a signing job and routes Sigstore through the rig', () => {
    const env = githubActionsEnv({ sigstore, repository: 'acme/widgets', ref: 'refs/tags/v1.0.0' });
    expect(env).toMatchObject({
      CI: 'true',
      GITHUB_ACTIONS: 'true',
      RUNNER_ENVIRONMENT: 'github-hosted',
      GITHUB_REPOSITORY: 'acme/widgets',
      GITHUB_WORKFLOW_REF: 'acme/widgets/.github/workflows/release.yml@refs/tags/v1.0.0',
      GITHUB_REF_TYPE: 'tag',
      HTTPS_PROXY: sigstore.proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      NODE_EXTRA_CA_CERTS: '/ca.pem',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/oidc/token?api-version=2.0',
    });
    expect(decodeRequestToken(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '')?.repository).toBe('acme/widgets');
  });

  it('leaves out the token request without id-token permission', () => {
    const env = githubActionsEnv({ sigstore, repository: 'acme/widgets', idTokenPermission: false });
    expect(env.ACTIONS_ID_TOKEN_REQUEST_URL).toBeUndefined();
    expect(env.ACTIONS_ID_TOKEN_REQUEST_TOKEN).toBeUndefined();
  });

  it('token claims name the job workflow, or the reusable one', () => {
    expect(githubIdTokenClaims({ repository: 'acme/widgets' }, 'sigstore')).toMatchObject({
      iss: 'https://token.actions.githubusercontent.com',
      aud: 'sigstore',
      job_workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
    });
    const reusable = 'slsa/gen/.github/workflows/builder.yml@refs/tags/v2';
    expect(
      githubIdTokenClaims({ repository: 'acme/widgets', jobWorkflowRef: reusable }, 'x').job_workflow_ref,
    ).toBe(reusable);
  });
});

describe('gitlabCiEnv', () => {
  it('sets the detection variables, NPM_ID_TOKEN and SIGSTORE_ID_TOKEN with GitLab claims', () => {
    const env = gitlabCiEnv({ projectPath: 'acme/widgets' });
    expect(env).toMatchObject({
      GITLAB_CI: 'true',
      CI_SERVER_URL: 'https://gitlab.com',
      CI_PROJECT_URL: 'https://gitlab.com/acme/widgets',
      CI_PROJECT_PATH: 'acme/widgets',
      CI_CONFIG_PATH: '.gitlab-ci.yml',
    });
    expect(decodeJwtPayload(env.SIGSTORE_ID_TOKEN ?? '')).toMatchObject({
      iss: 'https://gitlab.com',
      aud: 'sigstore',
      project_path: 'acme/widgets',
      namespace_path: 'acme',
      ci_config_ref_uri: 'gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
      runner_environment: 'gitlab-hosted',
      project_visibility: 'public',
    });
    expect(decodeJwtPayload(env.NPM_ID_TOKEN ?? '').aud).toBe('npm:127.0.0.1');
    const none = gitlabCiEnv({ projectPath: 'a/b', sigstoreIdToken: null, npmIdToken: null });
    expect(none.SIGSTORE_ID_TOKEN).toBeUndefined();
    expect(none.NPM_ID_TOKEN).toBeUndefined();
  });

  it('takes the claims a test sets: tag, environment, CI file, visibility, runner, audience', () => {
    const env = gitlabCiEnv({
      projectPath: 'acme/sub/widgets',
      ref: 'v1.0.0',
      refType: 'tag',
      environment: 'npm',
      ciConfigPath: 'ci/release.yml',
      projectVisibility: 'private',
      runnerEnvironment: 'self-hosted',
      npmAudience: 'npm:registry.npmjs.org',
    });
    expect(env).toMatchObject({
      CI_COMMIT_TAG: 'v1.0.0',
      CI_ENVIRONMENT_NAME: 'npm',
      CI_PROJECT_VISIBILITY: 'private',
    });
    expect(env.CI_COMMIT_BRANCH).toBeUndefined();
    expect(decodeJwtPayload(env.NPM_ID_TOKEN ?? '')).toMatchObject({
      aud: 'npm:registry.npmjs.org',
      sub: 'project_path:acme/sub/widgets:ref_type:tag:ref:v1.0.0',
      ci_config_ref_uri: 'gitlab.com/acme/sub/widgets//ci/release.yml@refs/tags/v1.0.0',
      namespace_path: 'acme/sub',
      environment: 'npm',
      project_visibility: 'private',
      runner_environment: 'self-hosted',
    });
  });
});

describe('githubIdTokenClaims', () => {
  it('names the environment in sub, and takes visibility, issuer, lifetime and extra claims', () => {
    const claims = githubIdTokenClaims(
      {
        repository: 'acme/widgets',
        environment: 'npm',
        repositoryVisibility: 'private',
        issuer: 'https://token.actions.githubusercontent.com/acme',
        tokenLifetimeSeconds: -10,
        extraClaims: { actor: 'someone', jti: null },
      },
      'npm:127.0.0.1',
    );
    expect(claims).toMatchObject({
      sub: 'repo:acme/widgets:environment:npm',
      environment: 'npm',
      repository_visibility: 'private',
      iss: 'https://token.actions.githubusercontent.com/acme',
      actor: 'someone',
    });
    expect(claims.exp).toBeLessThan(Date.now() / 1000);
    expect('jti' in claims).toBe(false);
  });
});

describe('cleanEnv', () => {
  it('drops outer CI and package-manager settings, keeps the rest', () => {
    const env = cleanEnv({
      PATH: '/bin',
      HOME: '/root',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
      npm_config_registry: 'x',
      NPM_CONFIG_PROVENANCE: 'true',
      HTTPS_PROXY: 'x',
    });
    expect(env).toEqual({ PATH: '/bin', HOME: '/root' });
  });
});
