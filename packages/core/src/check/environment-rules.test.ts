import { describe, expect, it } from 'vitest';
import { detectCi } from '../ci/index.js';
import { checkEnvironment, type EnvironmentFacts } from './environment-rules.js';

const GITHUB = {
  GITHUB_ACTIONS: 'true',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_REPOSITORY: 'o/r',
  RUNNER_ENVIRONMENT: 'github-hosted',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://t',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x',
  GITHUB_WORKFLOW_REF: 'o/r/.github/workflows/release.yml@refs/heads/main',
};
const GITLAB = {
  GITLAB_CI: 'true',
  CI_PROJECT_URL: 'https://gitlab.com/g/p',
  CI_SERVER_HOST: 'gitlab.com',
  SIGSTORE_ID_TOKEN: 'jwt',
};

function facts(
  over: Partial<EnvironmentFacts> & { env?: Record<string, string | undefined> } = {},
): EnvironmentFacts {
  const { env = GITHUB, ...rest } = over;
  return {
    mode: 'check',
    ci: detectCi(env),
    publisher: { name: 'npm', version: '11.6.0' },
    npmVersion: '11.6.0',
    requestedVia: 'auto',
    registry: 'https://registry.npmjs.org/',
    ...rest,
  };
}

const codes = (f: EnvironmentFacts) => checkEnvironment(f).map((p) => `${p.code}:${p.severity}`);

describe('environment rules', () => {
  it('a good GitHub Actions job has no problem', () => {
    expect(checkEnvironment(facts())).toEqual([]);
  });

  it('CI_NOT_DETECTED: warning for check, error for release', () => {
    expect(codes(facts({ env: {} }))).toEqual(['CI_NOT_DETECTED:warning']);
    expect(codes(facts({ env: {}, mode: 'release' }))).toEqual(['CI_NOT_DETECTED:error']);
    expect(checkEnvironment(facts({ env: {} }))[0]!.hint).toContain('id-token: write');
  });

  it('CI_UNSUPPORTED for other CI, GitHub Enterprise Server and self-managed GitLab', () => {
    expect(codes(facts({ env: { CI: 'true', CIRCLECI: 'true' } }))).toEqual(['CI_UNSUPPORTED:error']);
    expect(checkEnvironment(facts({ env: { CI: 'true', CIRCLECI: 'true' } }))[0]!.message).toContain(
      'CircleCI',
    );
    expect(codes(facts({ env: { ...GITHUB, GITHUB_SERVER_URL: 'https://ghe.corp' } }))).toEqual([
      'CI_UNSUPPORTED:error',
    ]);
    expect(codes(facts({ env: { ...GITLAB, CI_SERVER_HOST: 'git.corp' } }))).toEqual([
      'CI_UNSUPPORTED:error',
    ]);
  });

  it('ID_TOKEN_PERMISSION_MISSING with the exact permissions YAML', () => {
    const [p] = checkEnvironment(facts({ env: { ...GITHUB, ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined } }));
    expect(p).toMatchObject({ code: 'ID_TOKEN_PERMISSION_MISSING', severity: 'error' });
    expect(p!.hint).toContain('permissions:\n  id-token: write\n  contents: read');
    expect(p!.hint).toContain('.github/workflows/release.yml');
  });

  it('RUNNER_NOT_GITHUB_HOSTED for a self-hosted runner', () => {
    expect(codes(facts({ env: { ...GITHUB, RUNNER_ENVIRONMENT: 'self-hosted' } }))).toEqual([
      'RUNNER_NOT_GITHUB_HOSTED:error',
    ]);
    expect(codes(facts({ env: { ...GITLAB, CI_RUNNER_DESCRIPTION: 'my-own-box' } }))).toEqual([
      'RUNNER_NOT_GITHUB_HOSTED:warning',
    ]);
  });

  it('GITLAB_SIGSTORE_TOKEN_MISSING with the id_tokens YAML', () => {
    expect(checkEnvironment(facts({ env: GITLAB }))).toEqual([]);
    const [p] = checkEnvironment(facts({ env: { ...GITLAB, SIGSTORE_ID_TOKEN: undefined } }));
    expect(p).toMatchObject({ code: 'GITLAB_SIGSTORE_TOKEN_MISSING', severity: 'error' });
    expect(p!.hint).toContain('id_tokens:\n  SIGSTORE_ID_TOKEN:\n    aud: sigstore');
  });

  it('NPM_TOO_OLD for npm < 9.5 (npm, pnpm 9/10, changesets), not for yarn or pnpm 11', () => {
    expect(codes(facts({ publisher: { name: 'npm', version: '9.4.0' }, npmVersion: '9.4.0' }))).toEqual([
      'NPM_TOO_OLD:error',
    ]);
    expect(codes(facts({ publisher: { name: 'pnpm', version: '9.15.9' }, npmVersion: '8.19.4' }))).toEqual([
      'NPM_TOO_OLD:error',
    ]);
    expect(
      codes(
        facts({
          publisher: { name: 'changesets', version: '2.31.1', delegate: { name: 'npm', version: '9.0.0' } },
          npmVersion: '9.0.0',
        }),
      ),
    ).toEqual(['NPM_TOO_OLD:error']);
    expect(codes(facts({ publisher: { name: 'pnpm', version: '11.0.0' }, npmVersion: '8.19.4' }))).toEqual(
      [],
    );
    expect(codes(facts({ publisher: { name: 'yarn', version: '4.9.2' }, npmVersion: '8.19.4' }))).toEqual([]);
  });

  it('PUBLISHER_NO_PROVENANCE for yarn classic and berry < 4.9, and for an unhonoured --provenance-via', () => {
    expect(codes(facts({ publisher: { name: 'yarn', version: '1.22.22' } }))).toEqual([
      'PUBLISHER_NO_PROVENANCE:error',
    ]);
    expect(codes(facts({ publisher: { name: 'yarn', version: '4.8.0' } }))).toEqual([
      'PUBLISHER_NO_PROVENANCE:error',
    ]);
    // pnpm 11 reads no .npmrc provenance
    const [p] = checkEnvironment(
      facts({ publisher: { name: 'pnpm', version: '11.1.0' }, requestedVia: 'npmrc' }),
    );
    expect(p).toMatchObject({ code: 'PUBLISHER_NO_PROVENANCE', severity: 'error' });
    expect(p!.hint).toContain('env');
  });

  it('REGISTRY_NO_PROVENANCE is a warning for any registry but npmjs', () => {
    expect(codes(facts({ registry: 'http://127.0.0.1:4873/' }))).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
  });
});
