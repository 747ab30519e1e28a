// npm trusted publishing on the local rig: the registry's OIDC token exchange, its publish
// guard and `_npmUser.trustedPublisher`, the simulated GitHub job's id tokens, and GitLab jobs
// that sign with GitLab certificates. npm 11's own OIDC code is the client in the publish cases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FULCIO_OIDS,
  cleanEnv,
  decodeIdToken,
  decodeStatement,
  escapePackageName,
  githubActionsEnv,
  gitlabCiEnv,
  loadTrustMaterial,
  makeTempDir,
  makeWorkspace,
  prepublish,
  removeDir,
  run,
  signingCertificateClaims,
  startRegistry,
  startSigstore,
  toolPathEnv,
  verifyBundle,
  writeNpmrc,
  writeYarnrc,
  type GitHubIdentity,
  type Registry,
  type RunResult,
  type Sigstore,
} from '../packages/testing/dist/index.js';

const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

let sigstore: Sigstore;
let registry: Registry;
let trust: Awaited<ReturnType<typeof loadTrustMaterial>>;
const tempDirs: string[] = [];

beforeAll(async () => {
  sigstore = await startSigstore();
  registry = await startRegistry({ rekorUrl: sigstore.url });
  trust = await loadTrustMaterial({
    trustedRootPath: sigstore.trustedRootPath,
    npmKeysPath: registry.npmKeysPath,
  });
});

afterAll(async () => {
  await registry?.stop();
  await sigstore?.stop();
  await Promise.all(tempDirs.map((dir) => removeDir(dir)));
});

/** A one-package workspace whose package already has 0.0.1 on the registry (published with a token). */
async function existingPackage(name: string, repository: string, token: string | null = null) {
  const dir = await makeTempDir('rig-oidc');
  tempDirs.push(dir);
  await makeWorkspace(dir, { repository, packages: [{ name }] });
  await writeNpmrc(dir, { url: registry.url, token });
  await prepublish(registry, { name, version: '0.0.1' });
  return dir;
}

/** A clean job environment: no outer CI, no user .npmrc. */
function jobEnv(dir: string, ci: Record<string, string>): Record<string, string> {
  return { ...toolPathEnv(cleanEnv()), HOME: dir, ...ci };
}

function githubJob(dir: string, identity: Partial<GitHubIdentity> = {}): Record<string, string> {
  return jobEnv(
    dir,
    githubActionsEnv({
      sigstore,
      repository: 'acme/widgets',
      workflow: '.github/workflows/release.yml',
      ...identity,
    }),
  );
}

function npmPublish(dir: string, name: string, env: Record<string, string>): Promise<RunResult> {
  return run('npm', ['publish', '--provenance', '--access', 'public', '-w', name], { cwd: dir, env });
}

interface Version {
  _npmUser?: { name: string; trustedPublisher?: { id: string; oidcConfigId: string } };
  dist: { integrity: string; attestations?: { url: string } };
}

async function storedVersion(name: string, version: string): Promise<Version | undefined> {
  const response = await fetch(new URL(escapePackageName(name), registry.url));
  const packument = (await response.json()) as { versions?: Record<string, Version> };
  return packument.versions?.[version];
}

/** The version's provenance bundle, verified with the rig's trusted root; returns its certificate claims. */
async function verifiedProvenance(name: string, version: string, predicateType: string) {
  const dist = (await storedVersion(name, version))?.dist;
  expect(dist?.attestations?.url).toBeDefined();
  const response = await fetch(dist!.attestations!.url);
  const { attestations } = (await response.json()) as {
    attestations: Array<{ predicateType: string; bundle: unknown }>;
  };
  const provenance = attestations.find((a) => a.predicateType === predicateType);
  expect(provenance, `a ${predicateType} attestation`).toBeDefined();
  const signer = verifyBundle(provenance!.bundle, trust);
  expect(decodeStatement(provenance!.bundle).subject[0]?.digest.sha512).toBe(
    Buffer.from(dist!.integrity.replace(/^sha512-/, ''), 'base64').toString('hex'),
  );
  const claims = signingCertificateClaims(provenance!.bundle);
  expect(signer.identity?.subjectAlternativeName).toBe(claims.san);
  return claims;
}

/** An id token from the simulated GitHub job's OIDC endpoint, as npm asks for it. */
async function githubIdToken(env: Record<string, string>, audience: string): Promise<string> {
  const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
  url.searchParams.append('audience', audience);
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as { value: string }).value;
}

async function exchange(
  name: string,
  idToken: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(
    new URL(`-/npm/v1/oidc/token/exchange/package/${escapePackageName(name)}`, registry.url),
    {
      method: 'POST',
      headers: { Authorization: `Bearer ${idToken}` },
    },
  );
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function put(name: string, version: string, token: string) {
  try {
    await prepublish({ url: registry.url, token }, { name, version });
    return 201;
  } catch (error) {
    return Number(/: (\d{3}) /.exec(String(error))?.[1]);
  }
}

describe('trusted publishing on the rig: GitHub', () => {
  it('a tokenless npm publish --provenance from a GitHub job exchanges and records the trusted publisher', async () => {
    const dir = await existingPackage('@oidc-gh/a', 'https://github.com/acme/widgets');
    const config = await registry.setTrustedPublisher('@oidc-gh/a', {
      provider: 'github',
      repository: 'acme/widgets',
      workflow: 'release.yml',
    });
    const result = await npmPublish(dir, '@oidc-gh/a', githubJob(dir));
    expect(result.exitCode, result.all).toBe(0);

    const version = await storedVersion('@oidc-gh/a', '1.0.0');
    expect(version?._npmUser?.trustedPublisher).toEqual({ id: 'github', oidcConfigId: config!.oidcConfigId });
    const { san, extensions } = await verifiedProvenance('@oidc-gh/a', '1.0.0', SLSA_V1);
    expect(san).toBe('https://github.com/acme/widgets/.github/workflows/release.yml@refs/heads/main');
    expect(extensions[FULCIO_OIDS.sourceRepositoryUri]).toBe('https://github.com/acme/widgets');

    const events = await registry.trustedPublishingEvents();
    expect(events.filter((e) => e.packageName === '@oidc-gh/a').map((e) => e.type)).toEqual([
      'publish-authorized', // the 0.0.1 bootstrap, with the static token
      'exchange',
      'publish-authorized',
    ]);
    expect(JSON.stringify(events)).not.toContain(registry.token);
  });

  it('yarn berry (4.10+) exchanges against the rig too, tokenless under CI', async () => {
    const dir = await makeTempDir('rig-oidc');
    tempDirs.push(dir);
    await makeWorkspace(dir, {
      manager: 'yarn',
      repository: 'https://github.com/acme/widgets',
      packages: [{ name: '@oidc-gh/y' }],
    });
    await writeYarnrc(dir, { url: registry.url, token: null });
    await prepublish(registry, { name: '@oidc-gh/y', version: '0.0.1' });
    const config = await registry.setTrustedPublisher('@oidc-gh/y', {
      provider: 'github',
      repository: 'acme/widgets',
      workflow: 'release.yml',
    });
    const env = { ...githubJob(dir), YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' };
    const install = await run('yarn', ['install'], { cwd: dir, env });
    expect(install.exitCode, install.all).toBe(0);
    const publish = [
      'workspaces',
      'foreach',
      '-A',
      '--no-private',
      'npm',
      'publish',
      '--provenance',
      '--access',
      'public',
    ];
    const result = await run('yarn', publish, { cwd: dir, env });
    expect(result.exitCode, result.all).toBe(0);
    expect((await storedVersion('@oidc-gh/y', '1.0.0'))?._npmUser?.trustedPublisher).toEqual({
      id: 'github',
      oidcConfigId: config!.oidcConfigId,
    });
    await verifiedProvenance('@oidc-gh/y', '1.0.0', SLSA_V1);
    // yarn asks for `npm:<host>` (with the port), npm for `npm:<hostname>`; the rig accepts both.
    const events = await registry.trustedPublishingEvents();
    expect(events.find((e) => e.type === 'exchange' && e.packageName === '@oidc-gh/y')).toMatchObject({
      status: 201,
      claims: { aud: `npm:127.0.0.1:${registry.port}` },
    });
  });

  it('a workflow that does not match: the exchange answers 404 and a tokenless npm stops at ENEEDAUTH', async () => {
    const dir = await existingPackage('@oidc-gh/b', 'https://github.com/acme/widgets');
    await registry.setTrustedPublisher('@oidc-gh/b', {
      provider: 'github',
      repository: 'acme/widgets',
      workflow: 'publish.yml',
    });
    const result = await npmPublish(dir, '@oidc-gh/b', githubJob(dir));
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('ENEEDAUTH');
    expect(await storedVersion('@oidc-gh/b', '1.0.0')).toBeUndefined();
    const last = (await registry.trustedPublishingEvents())
      .filter((e) => e.packageName === '@oidc-gh/b')
      .at(-1);
    expect(last).toMatchObject({ type: 'exchange', status: 404, reason: 'no trusted publisher matches' });
  });

  it('the job OIDC endpoint serves any audience with the claims a test sets', async () => {
    const env = githubJob('/nonexistent', {
      environment: 'production',
      jobWorkflowRef: 'acme/shared/.github/workflows/publish.yml@refs/tags/v1',
      repositoryVisibility: 'private',
      runnerEnvironment: 'self-hosted',
    });
    for (const audience of ['npm:127.0.0.1', 'sigstore', 'npm:registry.npmjs.org']) {
      const claims = decodeIdToken(await githubIdToken(env, audience));
      expect(claims).toMatchObject({
        iss: 'https://token.actions.githubusercontent.com',
        aud: audience,
        sub: 'repo:acme/widgets:environment:production',
        repository: 'acme/widgets',
        workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
        job_workflow_ref: 'acme/shared/.github/workflows/publish.yml@refs/tags/v1',
        environment: 'production',
        repository_visibility: 'private',
        runner_environment: 'self-hosted',
      });
    }
  });

  it('the exchange matches the calling workflow, the environment and hosted runners; checks issuer, audience, expiry', async () => {
    await prepublish(registry, { name: '@oidc-gh/c', version: '0.0.1' });
    await registry.setTrustedPublisher('@oidc-gh/c', {
      provider: 'github',
      repository: 'acme/widgets',
      workflow: 'release.yml',
      environment: 'npm',
    });
    const token = (identity: Partial<GitHubIdentity>, audience = 'npm:127.0.0.1') =>
      githubIdToken(githubJob('/nonexistent', identity), audience);
    const reusable = { jobWorkflowRef: 'acme/shared/.github/workflows/publish.yml@refs/heads/main' };

    const ok = await exchange('@oidc-gh/c', await token({ environment: 'npm', ...reusable }));
    expect(ok.status).toBe(201);
    expect(ok.body).toMatchObject({ token_type: 'oidc' });
    expect(Date.parse(String(ok.body.expires)) - Date.parse(String(ok.body.created))).toBe(3600_000);

    const notFound = { message: 'OIDC token exchange error - package not found' };
    expect(await exchange('@oidc-gh/c', await token({}))).toEqual({ status: 404, body: notFound }); // no environment
    expect(await exchange('@oidc-gh/c', await token({ environment: 'NPM' }))).toMatchObject({ status: 404 });
    expect(
      await exchange(
        '@oidc-gh/c',
        await token({ environment: 'npm', workflow: '.github/workflows/publish.yml' }),
      ),
    ).toMatchObject({ status: 404 });
    expect(
      await exchange('@oidc-gh/c', await token({ environment: 'npm', repository: 'Acme/widgets' })),
    ).toMatchObject({ status: 404 });
    expect(
      await exchange('@oidc-gh/c', await token({ environment: 'npm', runnerEnvironment: 'self-hosted' })),
    ).toMatchObject({ status: 404 });
    expect(await exchange('@oidc-gh/new', await token({ environment: 'npm' }))).toEqual({
      status: 404,
      body: notFound,
    });

    const unauthorized = { status: 401, body: { message: 'OIDC token exchange error - unauthorized' } };
    expect(
      await exchange('@oidc-gh/c', await token({ environment: 'npm' }, 'npm:registry.npmjs.org')),
    ).toEqual(unauthorized);
    expect(
      await exchange('@oidc-gh/c', await token({ environment: 'npm', tokenLifetimeSeconds: 0 })),
    ).toEqual(unauthorized);
    const enterprise = {
      environment: 'npm',
      issuer: 'https://token.actions.githubusercontent.com/acme-corp',
    };
    expect(await exchange('@oidc-gh/c', await token(enterprise))).toEqual(unauthorized);
    expect(await exchange('@oidc-gh/c', 'not-a-jwt')).toEqual({
      status: 400,
      body: { message: 'OIDC token exchange error - bad request' },
    });
  });

  it('guards publishes: other package, stage-only publisher, disallowed and revoked tokens, expired exchanged tokens', async () => {
    const dir = await existingPackage('@oidc-gh/d', 'https://github.com/acme/widgets', registry.token);
    await prepublish(registry, { name: '@oidc-gh/e', version: '0.0.1' });
    const publisher = { provider: 'github', repository: 'acme/widgets', workflow: 'release.yml' } as const;
    await registry.setTrustedPublisher('@oidc-gh/d', publisher);
    const idToken = await githubIdToken(githubJob(dir), 'npm:127.0.0.1');
    const exchanged = String((await exchange('@oidc-gh/d', idToken)).body.token);
    expect(await put('@oidc-gh/e', '0.0.2', exchanged)).toBe(403);
    expect(await put('@oidc-gh/d', '0.0.2', exchanged)).toBe(201);

    await registry.setTrustedPublisher('@oidc-gh/d', { ...publisher, allowedActions: ['stage'] });
    const stageOnly = String((await exchange('@oidc-gh/d', idToken)).body.token);
    const denied = await fetchPut('@oidc-gh/d', '0.0.3', stageOnly);
    expect(denied).toEqual({ status: 403, error: 'OIDC permission denied for this action', notice: null });

    await registry.setTrustedPublisher('@oidc-gh/d', publisher);
    await registry.setExchangedTokenLifetime(0);
    const expired = String((await exchange('@oidc-gh/d', idToken)).body.token);
    await registry.setExchangedTokenLifetime(3600);
    const revokedNotice = 'Access token expired or revoked. Please try logging in again.';
    expect(await fetchPut('@oidc-gh/d', '0.0.3', expired)).toEqual({
      status: 404,
      error: 'Not found',
      notice: revokedNotice,
    });

    // npm itself, with a static token on a package that disallows tokens: npm's 403 text.
    await registry.setDisallowTokens('@oidc-gh/d');
    const refused = await run('npm', ['publish', '--access', 'public', '-w', '@oidc-gh/d'], {
      cwd: dir,
      env: jobEnv(dir, {}),
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.all).toContain('E403');
    expect(refused.all).toContain(
      'Two-factor authentication or granular access token with bypass 2fa enabled is required to publish packages.',
    );
    await registry.setDisallowTokens('@oidc-gh/d', false);

    const other = await registry.addUser({ name: 'revoked-user', password: 'revoked-password' });
    expect(await put('@oidc-gh/e', '0.0.3', other)).toBe(201);
    await registry.revokeToken(other);
    expect(await fetchPut('@oidc-gh/e', '0.0.4', other)).toEqual({
      status: 404,
      error: 'Not found',
      notice: revokedNotice,
    });
    // No token reaches the registry's output or its event log.
    const logs = `${registry.output()}${JSON.stringify(await registry.trustedPublishingEvents())}`;
    for (const secret of [exchanged, stageOnly, expired, idToken, other, registry.token]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('signed id tokens', () => {
  it('with the issuer keys the exchange refuses a token whose payload was changed (401)', async () => {
    await prepublish(registry, { name: '@oidc-sig/a', version: '0.0.1' });
    await registry.setTrustedPublisher('@oidc-sig/a', {
      provider: 'github',
      repository: 'acme/widgets',
      workflow: 'release.yml',
    });
    const genuine = await githubIdToken(githubJob('/nonexistent'), 'npm:127.0.0.1');
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, jti: 'forged' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    expect((await exchange('@oidc-sig/a', forged)).status).toBe(201); // claims only, by default
    await registry.requireSignedIdTokens(sigstore.idTokenJwks);
    try {
      expect((await exchange('@oidc-sig/a', genuine)).status).toBe(201);
      expect(await exchange('@oidc-sig/a', forged)).toEqual({
        status: 401,
        body: { message: 'OIDC token exchange error - unauthorized' },
      });
      const jwks = await (await fetch(`${sigstore.url}/oidc/jwks`)).json();
      expect(jwks).toEqual(sigstore.idTokenJwks);
    } finally {
      await registry.requireSignedIdTokens(null);
    }
  });
});

describe('broken exchanges, for bad-input tests', () => {
  it('an override answers every exchange (HTML 500, a hang) until cleared; a registry without the exchange 404s in HTML', async () => {
    await prepublish(registry, { name: '@oidc-bad/a', version: '0.0.1' });
    const idToken = await githubIdToken(githubJob('/nonexistent'), 'npm:127.0.0.1');
    const url = new URL(
      `-/npm/v1/oidc/token/exchange/package/${escapePackageName('@oidc-bad/a')}`,
      registry.url,
    );
    const post = (signal?: AbortSignal) =>
      fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${idToken}` }, signal });

    await registry.setExchangeOverride({ status: 500, body: '<html>oops</html>', contentType: 'text/html' });
    const html = await post();
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([
      500,
      'text/html; charset=utf-8',
      '<html>oops</html>',
    ]);
    await registry.setExchangeOverride({ status: 201, body: '{}', delayMs: 5000 });
    await expect(post(AbortSignal.timeout(300))).rejects.toThrow();
    await registry.setExchangeOverride(null);
    expect((await post()).status).toBe(404); // no trusted publisher configured

    const stock = await startRegistry({ trustedPublishing: false });
    try {
      await prepublish(stock, { name: 'oidc-bad-b', version: '1.0.0' });
      const response = await fetch(new URL('-/npm/v1/oidc/token/exchange/package/oidc-bad-b', stock.url), {
        method: 'POST',
        headers: { Authorization: `Bearer ${idToken}` },
      });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toContain('text/html');
    } finally {
      await stock.stop();
    }
  });
});

/** A raw PUT of a generated version, returning status, `error` and the `npm-notice` header. */
async function fetchPut(name: string, version: string, token: string) {
  const manifest = { name, version };
  const body = {
    _id: name,
    name,
    'dist-tags': { latest: version },
    versions: { [version]: { ...manifest, dist: { tarball: `${registry.url}${name}/-/x-${version}.tgz` } } },
    _attachments: {
      [`x-${version}.tgz`]: { content_type: 'application/octet-stream', data: 'AA==', length: 1 },
    },
  };
  const response = await fetch(new URL(escapePackageName(name), registry.url), {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { error?: string };
  return { status: response.status, error: answer.error, notice: response.headers.get('npm-notice') };
}

describe('trusted publishing on the rig: GitLab', () => {
  const gitlabRepository = 'https://gitlab.com/acme/widgets';
  const gitlabSan = 'https://gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main';

  function expectGitLabCertificate(claims: { san: string | undefined; extensions: Record<string, string> }) {
    expect(claims.san).toBe(gitlabSan);
    expect(claims.extensions).toMatchObject({
      [FULCIO_OIDS.issuer]: 'https://gitlab.com',
      [FULCIO_OIDS.sourceRepositoryUri]: gitlabRepository,
      [FULCIO_OIDS.sourceRepositoryRef]: 'refs/heads/main',
      [FULCIO_OIDS.buildSignerUri]: gitlabSan,
      [FULCIO_OIDS.buildConfigUri]: gitlabSan,
      [FULCIO_OIDS.sourceRepositoryOwnerUri]: 'https://gitlab.com/acme',
      [FULCIO_OIDS.runInvocationUri]: 'https://gitlab.com/acme/widgets/-/jobs/777',
      [FULCIO_OIDS.runnerEnvironment]: 'gitlab-hosted',
      [FULCIO_OIDS.sourceRepositoryVisibility]: 'public',
    });
  }

  it('a tokenless npm publish from a GitLab job: NPM_ID_TOKEN exchanged, provenance signed with a GitLab certificate', async () => {
    const dir = await existingPackage('@oidc-gl/a', gitlabRepository);
    const config = await registry.setTrustedPublisher('@oidc-gl/a', {
      provider: 'gitlab',
      projectPath: 'acme/widgets',
      ciFile: '.gitlab-ci.yml',
    });
    const env = jobEnv(dir, gitlabCiEnv({ sigstore, projectPath: 'acme/widgets' }));
    expect(decodeIdToken(env.NPM_ID_TOKEN!)).toMatchObject({
      aud: 'npm:127.0.0.1',
      project_path: 'acme/widgets',
    });
    const result = await npmPublish(dir, '@oidc-gl/a', env);
    expect(result.exitCode, result.all).toBe(0);
    expect((await storedVersion('@oidc-gl/a', '1.0.0'))?._npmUser?.trustedPublisher).toEqual({
      id: 'gitlab',
      oidcConfigId: config!.oidcConfigId,
    });
    expectGitLabCertificate(await verifiedProvenance('@oidc-gl/a', '1.0.0', SLSA_V02));
  });

  it('a GitLab job with a static token and no NPM_ID_TOKEN: signed with a GitLab certificate, no trusted publisher', async () => {
    const dir = await existingPackage('@oidc-gl/b', gitlabRepository, registry.token);
    const env = jobEnv(dir, gitlabCiEnv({ sigstore, projectPath: 'acme/widgets', npmIdToken: null }));
    expect(env.NPM_ID_TOKEN).toBeUndefined();
    const result = await npmPublish(dir, '@oidc-gl/b', env);
    expect(result.exitCode, result.all).toBe(0);
    const version = await storedVersion('@oidc-gl/b', '1.0.0');
    expect(version?._npmUser).toEqual({
      name: registry.user.name,
      email: `${registry.user.name}@example.com`,
    });
    expectGitLabCertificate(await verifiedProvenance('@oidc-gl/b', '1.0.0', SLSA_V02));
  });
});
