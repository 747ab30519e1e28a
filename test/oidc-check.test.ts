// `provenant check` and trusted publishing on the rig: the auth path of every package, learned by
// doing the registry's token exchange with the job's id token, and every reason it will not work.
import { describe, expect, it } from 'vitest';
import { writeNpmrc } from '../packages/testing/dist/index.js';
import type { Report } from '../packages/core/dist/index.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { REPO, githubJob, gitlabJob, oidcWorkspace } from './helpers/oidc-rig.js';
import { envCodes, problemCodes, useRig } from './helpers/rig.js';

const rig = useRig();

type Pkg = Report['packages'][number];
const check = (dir: string, env: Record<string, string>, args: string[] = []) =>
  runCli(['check', '--json', ...args], { cwd: dir, env, timeoutMs: 60_000 });
const pkg = (r: CliResult, name: string): Pkg => r.json!.packages.find((p) => p.name === name)!;
const codesOf = (r: CliResult, name: string) => problemCodes(r.json, name);
const auths = (r: CliResult) => Object.fromEntries(r.json!.packages.map((p) => [p.name, p.auth]));

describe.concurrent('check: the auth path of every package', () => {
  it('trusted publishing configured, no token anywhere: every package ready via oidc', async () => {
    const ws = await oidcWorkspace(rig, ['@oc1/a', '@oc1/b']);
    const before = (await rig.registry.trustedPublishingEvents()).length;
    const r = await check(ws.dir, githubJob(rig, ws.home));
    expect(r.code, r.stderr).toBe(0);
    expect(auths(r)).toEqual({ '@oc1/a': 'oidc', '@oc1/b': 'oidc' });
    expect(envCodes(r)).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
    expect(r.json!.packages.every((p) => p.status === 'ready' && p.problems.length === 0)).toBe(true);
    // the exchange publishes nothing
    const events = (await rig.registry.trustedPublishingEvents()).slice(before);
    expect(events.filter((e) => e.packageName.startsWith('@oc1/')).map((e) => e.type)).toEqual([
      'exchange',
      'exchange',
    ]);
  });

  it('wrong workflow file: TRUSTED_PUBLISHER_MISMATCH with the claims presented and the exact npm trust command', async () => {
    const ws = await oidcWorkspace(rig, ['@oc2/a']);
    const r = await check(ws.dir, githubJob(rig, ws.home, { workflow: '.github/workflows/ci.yml' }));
    expect(r.code).toBe(1);
    expect(codesOf(r, '@oc2/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
    const p = pkg(r, '@oc2/a');
    expect(p.status).toBe('blocked');
    expect(p.auth).toBeNull();
    expect(p.problems[0]!.message).toContain('workflow file ci.yml');
    expect(p.problems[0]!.hint).toContain('npm trust github @oc2/a --repo acme/widgets --file ci.yml');
  });

  it('wrong repository and missing environment: TRUSTED_PUBLISHER_MISMATCH', async () => {
    const repo = await oidcWorkspace(rig, ['@oc3/a'], { trust: { repository: 'acme/other' } });
    const env = await oidcWorkspace(rig, ['@oc3/b'], { trust: { environment: 'npm' } });
    const [wrongRepo, noEnv, withEnv] = await Promise.all([
      check(repo.dir, githubJob(rig, repo.home)),
      check(env.dir, githubJob(rig, env.home)),
      check(env.dir, githubJob(rig, env.home, { environment: 'npm' })),
    ]);
    expect(codesOf(wrongRepo, '@oc3/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
    expect(pkg(wrongRepo, '@oc3/a').problems[0]!.message).toContain(`repository ${REPO}`);
    expect(codesOf(noEnv, '@oc3/b')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
    expect(pkg(noEnv, '@oc3/b').problems[0]!.message).toContain('environment (none)');
    expect(withEnv.code, withEnv.stderr).toBe(0);
    expect(auths(withEnv)).toEqual({ '@oc3/b': 'oidc' });
  });

  it('a new package: FIRST_PUBLISH_NEEDS_TOKEN with the bootstrap procedure; with a stored token it is the bootstrap', async () => {
    const ws = await oidcWorkspace(rig, ['@oc4/a', '@oc4/new'], { existing: ['@oc4/a'] });
    const r = await check(ws.dir, githubJob(rig, ws.home), ['--access', 'public']);
    expect(r.code).toBe(1);
    expect(codesOf(r, '@oc4/new')).toEqual(['FIRST_PUBLISH_NEEDS_TOKEN:error']);
    expect(pkg(r, '@oc4/new').problems[0]!.hint).toContain(
      'npm trust github @oc4/new --repo acme/widgets --file release.yml',
    );
    expect(auths(r)).toEqual({ '@oc4/a': 'oidc', '@oc4/new': null });

    await writeNpmrc(ws.dir, rig.registry);
    const withToken = await check(ws.dir, githubJob(rig, ws.home), ['--access', 'public']);
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(codesOf(withToken, '@oc4/new')).toEqual([]);
    expect(auths(withToken)).toEqual({ '@oc4/a': 'oidc', '@oc4/new': 'token' });
    expect(envCodes(withToken)).toContain('STATIC_TOKEN_FALLBACK:warning');
    expect(withToken.stdout).not.toContain(rig.registry.token);
  });

  it('several new packages: each FIRST_PUBLISH_NEEDS_TOKEN, from one exchange for them all (the existing one asked too)', async () => {
    const ws = await oidcWorkspace(rig, ['@ocn/a', '@ocn/new1', '@ocn/new2', '@ocn/new3'], {
      existing: ['@ocn/a'],
    });
    const before = (await rig.registry.trustedPublishingEvents()).length;
    const r = await check(ws.dir, githubJob(rig, ws.home), ['--access', 'public']);
    expect(r.code).toBe(1);
    for (const name of ['@ocn/new1', '@ocn/new2', '@ocn/new3'])
      expect(codesOf(r, name)).toEqual(['FIRST_PUBLISH_NEEDS_TOKEN:error']);
    expect(auths(r)).toEqual({ '@ocn/a': 'oidc', '@ocn/new1': null, '@ocn/new2': null, '@ocn/new3': null });
    const asked = (await rig.registry.trustedPublishingEvents())
      .slice(before)
      .filter((e) => e.type === 'exchange' && e.packageName.startsWith('@ocn/'))
      .map((e) => e.packageName)
      .sort();
    expect(asked).toEqual(['@ocn/a', '@ocn/new1']);
  });

  it('a reusable workflow: REUSABLE_WORKFLOW (npm matches the caller), a private repository: PRIVATE_REPOSITORY', async () => {
    const ws = await oidcWorkspace(rig, ['@oc5/a']);
    const r = await check(
      ws.dir,
      githubJob(rig, ws.home, {
        jobWorkflowRef: 'acme/shared/.github/workflows/publish.yml@refs/heads/main',
        repositoryVisibility: 'private',
      }),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(envCodes(r)).toEqual(
      expect.arrayContaining(['REUSABLE_WORKFLOW:warning', 'PRIVATE_REPOSITORY:warning']),
    );
    expect(auths(r)).toEqual({ '@oc5/a': 'oidc' });
  });

  it('--auth: oidc makes a mismatch with a stored token an error, auto a warning, token never exchanges', async () => {
    const ws = await oidcWorkspace(rig, ['@oc6/a'], { token: true, trust: { repository: 'acme/other' } });
    const env = githubJob(rig, ws.home);
    const [auto, oidc, token] = await Promise.all([
      check(ws.dir, env),
      check(ws.dir, env, ['--auth', 'oidc']),
      check(ws.dir, env, ['--auth', 'token']),
    ]);
    expect(auto.code, auto.stderr).toBe(0);
    expect(codesOf(auto, '@oc6/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:warning']);
    expect(auths(auto)).toEqual({ '@oc6/a': 'token' });
    expect(oidc.code).toBe(1);
    expect(codesOf(oidc, '@oc6/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
    expect(token.code, token.stderr).toBe(0);
    expect(codesOf(token, '@oc6/a')).toEqual([]);
    expect(auths(token)).toEqual({ '@oc6/a': 'token' });
    const bad = await check(ws.dir, env, ['--auth', 'sometimes']);
    expect(bad.code).toBe(2);
  });

  it('rejected id tokens: an enterprise issuer and a token without expiry get OIDC_TOKEN_REJECTED', async () => {
    const ws = await oidcWorkspace(rig, ['@oc7/a']);
    const [enterprise, noExp] = await Promise.all([
      check(ws.dir, githubJob(rig, ws.home, { issuer: 'https://token.actions.githubusercontent.com/acme' })),
      check(ws.dir, githubJob(rig, ws.home, { extraClaims: { exp: null } })),
    ]);
    expect(codesOf(enterprise, '@oc7/a')).toEqual(['OIDC_TOKEN_REJECTED:error']);
    expect(envCodes(enterprise)).toContain('OIDC_UNAVAILABLE:warning');
    expect(codesOf(noExp, '@oc7/a')).toEqual(['OIDC_TOKEN_REJECTED:error']);
  });

  it('GitLab with NPM_ID_TOKEN: ready via oidc; without it, AUTH_MISSING says why', async () => {
    const ws = await oidcWorkspace(rig, ['@oc8/a'], { trust: { provider: 'gitlab' } });
    const r = await check(ws.dir, gitlabJob(rig, ws.home));
    expect(r.code, r.stderr).toBe(0);
    expect(auths(r)).toEqual({ '@oc8/a': 'oidc' });
    const without = await check(ws.dir, gitlabJob(rig, ws.home, { NPM_ID_TOKEN: '' }));
    expect(without.code).toBe(1);
    expect(envCodes(without)).toContain('AUTH_MISSING:error');
    expect(without.json!.environment.problems.find((p) => p.code === 'AUTH_MISSING')!.message).toContain(
      'NPM_ID_TOKEN',
    );
  });

  it("setup-node's placeholder token: PLACEHOLDER_TOKEN, a warning while OIDC works, an error when it does not", async () => {
    const ws = await oidcWorkspace(rig, ['@oc9/a']);
    const host = new URL(rig.registry.url).host;
    await writeNpmrc(ws.dir, { url: rig.registry.url, token: null });
    const { appendFileSync } = await import('node:fs');
    appendFileSync(`${ws.dir}/.npmrc`, `//${host}/:_authToken=\${NODE_AUTH_TOKEN}\n`);
    const placeholder = { NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' };
    const ok = await check(ws.dir, githubJob(rig, ws.home, {}, placeholder));
    expect(ok.code, ok.stderr).toBe(0);
    expect(envCodes(ok)).toContain('PLACEHOLDER_TOKEN:warning');
    const broken = await check(
      ws.dir,
      githubJob(rig, ws.home, { workflow: '.github/workflows/x.yml' }, placeholder),
    );
    expect(envCodes(broken)).toContain('PLACEHOLDER_TOKEN:error');
    const unresolved = await check(ws.dir, githubJob(rig, ws.home, { workflow: '.github/workflows/x.yml' }));
    expect(envCodes(unresolved)).toContain('PLACEHOLDER_TOKEN:error');
    expect(codesOf(unresolved, '@oc9/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
  });
});
