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
  it('sets the detection variables and a SIGSTORE_ID_TOKEN', () => {
    const env = gitlabCiEnv({ projectPath: 'acme/widgets' });
    expect(env).toMatchObject({
      GITLAB_CI: 'true',
      CI_SERVER_URL: 'https://gitlab.com',
      CI_PROJECT_URL: 'https://gitlab.com/acme/widgets',
      CI_PROJECT_PATH: 'acme/widgets',
    });
    expect(decodeJwtPayload(env.SIGSTORE_ID_TOKEN ?? '').project_path).toBe('acme/widgets');
    expect(gitlabCiEnv({ projectPath: 'a/b', sigstoreIdToken: null }).SIGSTORE_ID_TOKEN).toBeUndefined();
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
