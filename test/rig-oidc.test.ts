// npm trusted publishing on the local rig, GitHub side: the registry's OIDC token exchange,
// its publish guard and `_npmUser.trustedPublisher`, the simulated GitHub job's id tokens,
// signed id tokens and broken exchanges. npm 11's own OIDC code is the client in the publish
// cases. GitLab jobs: rig-oidc-gitlab.test.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  FULCIO_OIDS,
  cleanEnv,
  decodeIdToken,
  escapePackageName,
  prepublish,
  run,
  startRegistry,
  toolPathEnv,
  type GitHubIdentity,
} from '../packages/testing/dist/index.js';
import type { RigTrust } from './helpers/attestations.js';
import { SLSA_V1, oidcCalls } from './helpers/oidc-calls.js';
import { githubJob, oidcWorkspace } from './helpers/oidc-rig.js';
import { YARN_PUBLISH_ALL, loadRigTrust, useRig } from './helpers/rig.js';

const rig = useRig();
let trust: RigTrust;
beforeAll(async () => {
  trust = await loadRigTrust(rig);
});
const {
  existingPackage,
  trustReleaseWorkflow,
  npmPublish,
  storedVersion,
  verifiedProvenance,
  githubIdToken,
  exchange,
  put,
  fetchPut,
} = oidcCalls(rig, () => trust);

describe('trusted publishing on the rig: GitHub', () => {
  it('a tokenless npm publish --provenance from a GitHub job exchanges and records the trusted publisher', async () => {
    const ws = await existingPackage('@oidc-gh/a', 'https://github.com/acme/widgets');
    const config = await trustReleaseWorkflow('@oidc-gh/a');
    const result = await npmPublish(ws.dir, '@oidc-gh/a', githubJob(rig, ws.home));
    expect(result.exitCode, result.all).toBe(0);

    const version = await storedVersion('@oidc-gh/a', '1.0.0');
    expect(version?._npmUser?.trustedPublisher).toEqual({ id: 'github', oidcConfigId: config!.oidcConfigId });
    const { san, extensions } = await verifiedProvenance('@oidc-gh/a', '1.0.0', SLSA_V1);
    expect(san).toBe('https://github.com/acme/widgets/.github/workflows/release.yml@refs/heads/main');
    expect(extensions[FULCIO_OIDS.sourceRepositoryUri]).toBe('https://github.com/acme/widgets');

    const events = await rig.registry.trustedPublishingEvents();
    expect(events.filter((e) => e.packageName === '@oidc-gh/a').map((e) => e.type)).toEqual([
      'publish-authorized', // the 0.0.1 bootstrap, with the static token
      'exchange',
      'publish-authorized',
    ]);
    expect(JSON.stringify(events)).not.toContain(rig.registry.token);
  });

  it('yarn berry (4.10+) exchanges against the rig too, tokenless under CI', async () => {
    const { dir, home } = await oidcWorkspace(rig, ['@oidc-gh/y'], {
      manager: 'yarn',
      trust: null,
      git: false,
    });
    const config = await trustReleaseWorkflow('@oidc-gh/y');
    const env = githubJob(rig, home, {}, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    const install = await run('yarn', ['install'], { cwd: dir, env });
    expect(install.exitCode, install.all).toBe(0);
    const result = await run('yarn', YARN_PUBLISH_ALL, { cwd: dir, env });
    expect(result.exitCode, result.all).toBe(0);
    expect((await storedVersion('@oidc-gh/y', '1.0.0'))?._npmUser?.trustedPublisher).toEqual({
      id: 'github',
      oidcConfigId: config!.oidcConfigId,
    });
    await verifiedProvenance('@oidc-gh/y', '1.0.0', SLSA_V1);
    // yarn asks for `npm:<host>` (with the port), npm for `npm:<hostname>`; the rig accepts both.
    const events = await rig.registry.trustedPublishingEvents();
    expect(events.find((e) => e.type === 'exchange' && e.packageName === '@oidc-gh/y')).toMatchObject({
      status: 201,
      claims: { aud: `npm:127.0.0.1:${rig.registry.port}` },
    });
  });

  it('a workflow that does not match: the exchange answers 404 and a tokenless npm stops at ENEEDAUTH', async () => {
    const ws = await existingPackage('@oidc-gh/b', 'https://github.com/acme/widgets');
    await trustReleaseWorkflow('@oidc-gh/b', { workflow: 'publish.yml' });
    const result = await npmPublish(ws.dir, '@oidc-gh/b', githubJob(rig, ws.home));
    expect(result.exitCode).not.toBe(0);
    expect(result.all).toContain('ENEEDAUTH');
    expect(await storedVersion('@oidc-gh/b', '1.0.0')).toBeUndefined();
    const last = (await rig.registry.trustedPublishingEvents())
      .filter((e) => e.packageName === '@oidc-gh/b')
      .at(-1);
    expect(last).toMatchObject({ type: 'exchange', status: 404, reason: 'no trusted publisher matches' });
  });

  it('the job OIDC endpoint serves any audience with the claims a test sets', async () => {
    const env = githubJob(rig, '/nonexistent', {
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
    await prepublish(rig.registry, { name: '@oidc-gh/c', version: '0.0.1' });
    await trustReleaseWorkflow('@oidc-gh/c', { environment: 'npm' });
    const token = (identity: Partial<GitHubIdentity>, audience = 'npm:127.0.0.1') =>
      githubIdToken(githubJob(rig, '/nonexistent', identity), audience);
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
    const ws = await existingPackage('@oidc-gh/d', 'https://github.com/acme/widgets', true);
    await prepublish(rig.registry, { name: '@oidc-gh/e', version: '0.0.1' });
    const publisher = { provider: 'github', repository: 'acme/widgets', workflow: 'release.yml' } as const;
    await rig.registry.setTrustedPublisher('@oidc-gh/d', publisher);
    const idToken = await githubIdToken(githubJob(rig, ws.home), 'npm:127.0.0.1');
    const exchanged = String((await exchange('@oidc-gh/d', idToken)).body.token);
    expect(await put('@oidc-gh/e', '0.0.2', exchanged)).toBe(403);
    expect(await put('@oidc-gh/d', '0.0.2', exchanged)).toBe(201);

    await rig.registry.setTrustedPublisher('@oidc-gh/d', { ...publisher, allowedActions: ['stage'] });
    const stageOnly = String((await exchange('@oidc-gh/d', idToken)).body.token);
    const denied = await fetchPut('@oidc-gh/d', '0.0.3', stageOnly);
    expect(denied).toEqual({ status: 403, error: 'OIDC permission denied for this action', notice: null });

    await rig.registry.setTrustedPublisher('@oidc-gh/d', publisher);
    await rig.registry.setExchangedTokenLifetime(0);
    const expired = String((await exchange('@oidc-gh/d', idToken)).body.token);
    await rig.registry.setExchangedTokenLifetime(3600);
    const revokedNotice = 'Access token expired or revoked. Please try logging in again.';
    expect(await fetchPut('@oidc-gh/d', '0.0.3', expired)).toEqual({
      status: 404,
      error: 'Not found',
      notice: revokedNotice,
    });

    // npm itself, with a static token on a package that disallows tokens: npm's 403 text.
    await rig.registry.setDisallowTokens('@oidc-gh/d');
    const refused = await run('npm', ['publish', '--access', 'public', '-w', '@oidc-gh/d'], {
      cwd: ws.dir,
      env: { ...toolPathEnv(cleanEnv()), HOME: ws.home },
    });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.all).toContain('E403');
    expect(refused.all).toContain(
      'Two-factor authentication or granular access token with bypass 2fa enabled is required to publish packages.',
    );
    await rig.registry.setDisallowTokens('@oidc-gh/d', false);

    const other = await rig.registry.addUser({ name: 'revoked-user', password: 'revoked-password' });
    expect(await put('@oidc-gh/e', '0.0.3', other)).toBe(201);
    await rig.registry.revokeToken(other);
    expect(await fetchPut('@oidc-gh/e', '0.0.4', other)).toEqual({
      status: 404,
      error: 'Not found',
      notice: revokedNotice,
    });
    // No token reaches the registry's output or its event log.
    const logs = `${rig.registry.output()}${JSON.stringify(await rig.registry.trustedPublishingEvents())}`;
    for (const secret of [exchanged, stageOnly, expired, idToken, other, rig.registry.token]) {
      expect(logs).not.toContain(secret);
    }
  });
});

describe('signed id tokens', () => {
  it('with the issuer keys the exchange refuses a token whose payload was changed (401)', async () => {
    await prepublish(rig.registry, { name: '@oidc-sig/a', version: '0.0.1' });
    await trustReleaseWorkflow('@oidc-sig/a');
    const genuine = await githubIdToken(githubJob(rig, '/nonexistent'), 'npm:127.0.0.1');
    const [header, payload, signature] = genuine.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, jti: 'forged' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    expect((await exchange('@oidc-sig/a', forged)).status).toBe(201); // claims only, by default
    await rig.registry.requireSignedIdTokens(rig.sigstore.idTokenJwks);
    try {
      expect((await exchange('@oidc-sig/a', genuine)).status).toBe(201);
      expect(await exchange('@oidc-sig/a', forged)).toEqual({
        status: 401,
        body: { message: 'OIDC token exchange error - unauthorized' },
      });
      const jwks = await (await fetch(`${rig.sigstore.url}/oidc/jwks`)).json();
      expect(jwks).toEqual(rig.sigstore.idTokenJwks);
    } finally {
      await rig.registry.requireSignedIdTokens(null);
    }
  });
});

describe('broken exchanges, for bad-input tests', () => {
  it('an override answers every exchange (HTML 500, a hang) until cleared; a registry without the exchange 404s in HTML', async () => {
    await prepublish(rig.registry, { name: '@oidc-bad/a', version: '0.0.1' });
    const idToken = await githubIdToken(githubJob(rig, '/nonexistent'), 'npm:127.0.0.1');
    const url = new URL(
      `-/npm/v1/oidc/token/exchange/package/${escapePackageName('@oidc-bad/a')}`,
      rig.registry.url,
    );
    const post = (signal?: AbortSignal) =>
      fetch(url, { method: 'POST', headers: { Authorization: `Bearer ${idToken}` }, signal });

    await rig.registry.setExchangeOverride({
      status: 500,
      body: '<html>oops</html>',
      contentType: 'text/html',
    });
    const html = await post();
    expect([html.status, html.headers.get('content-type'), await html.text()]).toEqual([
      500,
      'text/html; charset=utf-8',
      '<html>oops</html>',
    ]);
    await rig.registry.setExchangeOverride({ status: 201, body: '{}', delayMs: 5000 });
    await expect(post(AbortSignal.timeout(300))).rejects.toThrow();
    await rig.registry.setExchangeOverride(null);
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
