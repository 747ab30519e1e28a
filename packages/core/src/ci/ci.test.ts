import { describe, expect, it } from 'vitest';
import { detectCi, parseGithubWorkflowRef } from './index.js';

const github = {
  CI: 'true',
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'Owner/Repo',
  RUNNER_ENVIRONMENT: 'github-hosted',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.actions.example/x',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'secret',
  GITHUB_WORKFLOW_REF: 'Owner/Repo/.github/workflows/release.yml@refs/heads/main',
  GITHUB_SHA: 'abc123',
};

describe('detectCi', () => {
  it('GitHub Actions: repository, runner, OIDC, workflow', () => {
    expect(detectCi(github)).toEqual({
      ci: 'github-actions',
      provider: 'GitHub Actions',
      repository: 'https://github.com/Owner/Repo',
      runner: 'github-hosted',
      oidc: true,
      workflow: { path: '.github/workflows/release.yml', ref: 'refs/heads/main' },
      commit: 'abc123',
      serverUrl: 'https://github.com',
      gitlab: null,
    });
  });

  it('GitHub Actions without id-token permission or on a self-hosted runner', () => {
    const { ACTIONS_ID_TOKEN_REQUEST_TOKEN: _, ...noToken } = github;
    expect(detectCi(noToken).oidc).toBe(false);
    expect(detectCi({ ...github, RUNNER_ENVIRONMENT: 'self-hosted' }).runner).toBe('self-hosted');
    expect(detectCi({ ...github, RUNNER_ENVIRONMENT: undefined }).runner).toBeNull();
  });

  it('GitHub Enterprise Server keeps its host', () => {
    expect(detectCi({ ...github, GITHUB_SERVER_URL: 'https://GHE.corp.example/' }).repository).toBe(
      'https://ghe.corp.example/Owner/Repo',
    );
  });

  it('GitLab CI: project URL, Sigstore token, config path, ref, runner', () => {
    const env = {
      CI: 'true',
      GITLAB_CI: 'true',
      CI_PROJECT_URL: 'https://gitlab.com/group/sub/project',
      CI_CONFIG_PATH: '.gitlab-ci.yml',
      CI_COMMIT_REF_NAME: 'main',
      CI_COMMIT_SHA: 'def456',
      CI_SERVER_HOST: 'gitlab.com',
      CI_SERVER_URL: 'https://gitlab.com',
      CI_RUNNER_DESCRIPTION: '3-blue.saas-linux-small-amd64.runners-manager.gitlab.com/default',
      SIGSTORE_ID_TOKEN: 'jwt',
    };
    expect(detectCi(env)).toEqual({
      ci: 'gitlab-ci',
      provider: 'GitLab CI',
      repository: 'https://gitlab.com/group/sub/project',
      runner: null,
      oidc: true,
      workflow: { path: '.gitlab-ci.yml', ref: 'main' },
      commit: 'def456',
      serverUrl: 'https://gitlab.com',
      gitlab: { sigstoreToken: true, npmIdToken: false, serverHost: 'gitlab.com' },
    });
    const selfHosted = detectCi({ ...env, SIGSTORE_ID_TOKEN: undefined, CI_RUNNER_DESCRIPTION: 'my-box' });
    expect(selfHosted.runner).toBe('self-hosted');
    expect(selfHosted.oidc).toBe(false);
    expect(selfHosted.gitlab?.sigstoreToken).toBe(false);
  });

  it('other CI by ci-info vendor table or generic variables; none otherwise', () => {
    expect(detectCi({ CI: 'true', CIRCLECI: 'true' })).toMatchObject({
      ci: 'other',
      provider: 'CircleCI',
      repository: null,
    });
    expect(detectCi({ JENKINS_URL: 'http://j', BUILD_ID: '1' })).toMatchObject({
      ci: 'other',
      provider: 'Jenkins',
    });
    expect(detectCi({ CI: '1' })).toMatchObject({ ci: 'other', provider: null });
    expect(detectCi({})).toMatchObject({ ci: 'none', provider: null, oidc: false });
    expect(detectCi({ CI: 'false', CIRCLECI: 'true' }).ci).toBe('none');
  });

  it('parseGithubWorkflowRef', () => {
    expect(parseGithubWorkflowRef('o/r/.github/workflows/a.yaml@refs/tags/v1')).toEqual({
      path: '.github/workflows/a.yaml',
      ref: 'refs/tags/v1',
    });
    expect(parseGithubWorkflowRef(undefined)).toBeNull();
  });
});
