// `provenant release` with trusted publishing on the rig: no stored token anywhere unless the case
// needs one. npm 11.19 and pnpm 9 (through that npm) exchange the id token themselves; yarn berry
// is brokered by Provenant (a stored npmAuthToken would win over yarn's own OIDC); changesets runs
// npm. The cases run one after another, as the other release files do: each starts publishers.
// Every case asserts the report's codes and what the registry stored (_npmUser.trustedPublisher).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, toolVersions, writeNpmrc } from '../packages/testing/dist/index.js';
import type { Report } from '../packages/core/dist/index.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { githubJob, gitlabJob, oidcWorkspace } from './helpers/oidc-rig.js';
import {
  envCodes,
  linkChangesetBin,
  packument,
  problemCodes,
  snapshot,
  trustFlags,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

type Pkg = Report['packages'][number];
function release(dir: string, env: Record<string, string>, args: string[] = []): Promise<CliResult> {
  return runCli(
    ['release', '--json', ...trustFlags(rig), '--verify-timeout', '30', '--access', 'public', ...args],
    {
      cwd: dir,
      env,
      timeoutMs: 240_000,
    },
  );
}
const pkgs = (r: CliResult): Pkg[] => r.json?.packages ?? [];
const summary = (r: CliResult) =>
  Object.fromEntries(
    pkgs(r).map((p) => [
      p.name,
      `${p.status}/${p.auth}/${p.verification?.identity?.trustedPublisher?.id ?? '-'}`,
    ]),
  );
const codesOf = (r: CliResult, name: string) => problemCodes(r.json, name);

/** What a failed run said: its problems, by package, and the end of its human output. */
const diagnose = (r: CliResult) =>
  JSON.stringify({
    env: r.json?.environment.problems,
    packages: pkgs(r).map((p) => [p.name, p.status, p.problems]),
    stderr: r.stderr.slice(-1500),
  });

/** `_npmUser.trustedPublisher.id` of the stored version, or null. */
async function storedPublisher(name: string, version = '1.0.0'): Promise<string | null> {
  return (await packument(rig, name))?.versions?.[version]?._npmUser?.trustedPublisher?.id ?? null;
}

describe('release through trusted publishing, no stored token', () => {
  it('npm 11.19 exchanges per package itself: verified, trustedPublisher stored and in the identity', async () => {
    const ws = await oidcWorkspace(rig, ['@or-npm/a', '@or-npm/b']);
    const before = snapshot(ws.dir);
    const r = await release(ws.dir, githubJob(rig, ws.home), [
      '--auth',
      'oidc',
      '--expect-trusted-publisher',
    ]);
    expect(r.code, diagnose(r)).toBe(0);
    expect(summary(r)).toEqual({ '@or-npm/a': 'verified/oidc/github', '@or-npm/b': 'verified/oidc/github' });
    expect(await storedPublisher('@or-npm/a')).toBe('github');
    expect(await storedPublisher('@or-npm/b')).toBe('github');
    expect(snapshot(ws.dir)).toEqual(before);
  });

  it('pnpm 9 (through npm 11.19): verified via oidc', async () => {
    const ws = await oidcWorkspace(rig, ['@or-pnpm/a', '@or-pnpm/b'], { manager: 'pnpm' });
    const env = githubJob(rig, ws.home);
    const install = await run('pnpm', ['install'], { cwd: ws.dir, env });
    expect(install.exitCode, install.all).toBe(0);
    const r = await release(ws.dir, env, ['--auth', 'oidc']);
    expect(r.code, diagnose(r)).toBe(0);
    expect(r.json?.environment.publisher?.name).toBe('pnpm');
    expect(summary(r)).toEqual({
      '@or-pnpm/a': 'verified/oidc/github',
      '@or-pnpm/b': 'verified/oidc/github',
    });
    expect(await storedPublisher('@or-pnpm/b')).toBe('github');
  });

  it('yarn berry with a stored npmAuthToken: Provenant brokers, the exchanged token wins', async () => {
    const ws = await oidcWorkspace(rig, ['@or-yarn/a', '@or-yarn/b'], {
      manager: 'yarn',
      token: true,
      git: false,
    });
    const env = githubJob(rig, ws.home, {}, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    const install = await run('yarn', ['install'], { cwd: ws.dir, env });
    expect(install.exitCode, install.all).toBe(0);
    const before = snapshot(ws.dir);
    const r = await release(ws.dir, env, ['--expect-trusted-publisher']);
    expect(r.code, diagnose(r)).toBe(0);
    expect(r.json?.environment.publisher?.name).toBe('yarn');
    expect(envCodes(r)).toContain('STATIC_TOKEN_FALLBACK:warning');
    expect(summary(r)).toEqual({
      '@or-yarn/a': 'verified/oidc/github',
      '@or-yarn/b': 'verified/oidc/github',
    });
    expect(await storedPublisher('@or-yarn/a')).toBe('github');
    expect(snapshot(ws.dir)).toEqual(before);
    for (const out of [r.stdout, r.stderr]) expect(out).not.toContain(rig.registry.token);
  });

  it('changesets (over npm 11.19): verified via oidc', async () => {
    const ws = await oidcWorkspace(rig, ['@or-cs/a', '@or-cs/b'], { changesets: true, git: false });
    writeFileSync(
      join(ws.dir, 'package.json'),
      JSON.stringify({
        name: 'root',
        private: true,
        workspaces: ['packages/*'],
        devDependencies: { '@changesets/cli': `^${toolVersions().changesets}` },
      }),
    );
    linkChangesetBin(ws.dir);
    await run('git', ['init', '-q'], { cwd: ws.dir, env: githubJob(rig, ws.home) });
    await run('git', ['add', '-A'], { cwd: ws.dir, env: githubJob(rig, ws.home) });
    await run('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'init'], {
      cwd: ws.dir,
      env: githubJob(rig, ws.home),
    });
    const r = await release(ws.dir, githubJob(rig, ws.home), ['--auth', 'oidc']);
    expect(r.code, diagnose(r)).toBe(0);
    expect(r.json?.environment.publisher?.name).toBe('changesets');
    expect(summary(r)).toEqual({ '@or-cs/a': 'verified/oidc/github', '@or-cs/b': 'verified/oidc/github' });
  });

  it('GitLab with NPM_ID_TOKEN: verified with a GitLab identity and trustedPublisher gitlab', async () => {
    const ws = await oidcWorkspace(rig, ['@or-gl/a'], { trust: { provider: 'gitlab' } });
    const r = await release(ws.dir, gitlabJob(rig, ws.home), [
      '--auth',
      'oidc',
      '--expect-trusted-publisher',
    ]);
    expect(r.code, diagnose(r)).toBe(0);
    expect(summary(r)).toEqual({ '@or-gl/a': 'verified/oidc/gitlab' });
    expect(pkgs(r)[0]!.verification?.identity?.issuer).toBe('https://gitlab.com');
    expect(await storedPublisher('@or-gl/a')).toBe('gitlab');
  });
});

describe('release with stored tokens next to trusted publishing', () => {
  it('tokenless, wrong workflow file: blocked before anything is published (TRUSTED_PUBLISHER_MISMATCH)', async () => {
    const ws = await oidcWorkspace(rig, ['@or-wrong/a']);
    const r = await release(ws.dir, githubJob(rig, ws.home, { workflow: '.github/workflows/ci.yml' }));
    expect(r.code).toBe(1);
    expect(codesOf(r, '@or-wrong/a')).toEqual(['TRUSTED_PUBLISHER_MISMATCH:error']);
    expect(summary(r)).toEqual({ '@or-wrong/a': 'blocked/null/-' });
    expect(Object.keys((await packument(rig, '@or-wrong/a'))?.versions ?? {})).toEqual(['0.0.1']);
  });

  it('npm with OIDC and a stored token: OIDC wins (trustedPublisher stored), STATIC_TOKEN_FALLBACK warned', async () => {
    const ws = await oidcWorkspace(rig, ['@or-both/a'], { token: true });
    const r = await release(ws.dir, githubJob(rig, ws.home));
    expect(r.code, diagnose(r)).toBe(0);
    expect(envCodes(r)).toContain('STATIC_TOKEN_FALLBACK:warning');
    expect(summary(r)).toEqual({ '@or-both/a': 'verified/oidc/github' });
    expect(await storedPublisher('@or-both/a')).toBe('github');
  });

  it('planned through OIDC, published with the stored token: TRUSTED_PUBLISHING_BYPASSED (an error with --auth oidc)', async () => {
    const ws = await oidcWorkspace(rig, ['@or-bypass/a'], { token: true });
    // Stands in for an exchange that fails at publish time after check saw it work: the exchange
    // hands back the stored token itself, so npm publishes with it and the registry records no
    // trusted publisher. (The override is rig-wide: this file runs its cases one at a time.)
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    await rig.registry.setExchangeOverride({
      status: 201,
      body: JSON.stringify({ token_type: 'oidc', token: rig.registry.token, expires }),
    });
    let r: CliResult;
    try {
      r = await release(ws.dir, githubJob(rig, ws.home), ['--auth', 'oidc']);
    } finally {
      await rig.registry.setExchangeOverride(null);
    }
    expect(r.code).toBe(1);
    expect(codesOf(r, '@or-bypass/a')).toEqual(['TRUSTED_PUBLISHING_BYPASSED:error']);
    expect(summary(r)).toEqual({ '@or-bypass/a': 'unverified/token/-' });
    expect(await storedPublisher('@or-bypass/a')).toBeNull();
  });

  it('a package that disallows tokens, published with one: TOKEN_NOT_ALLOWED with the hint to switch', async () => {
    const ws = await oidcWorkspace(rig, ['@or-deny/a'], { token: true, trust: null });
    await rig.registry.setDisallowTokens('@or-deny/a');
    const r = await release(ws.dir, githubJob(rig, ws.home), ['--auth', 'token']);
    expect(r.code).toBe(1);
    expect(codesOf(r, '@or-deny/a')).toEqual(['TOKEN_NOT_ALLOWED:error']);
    expect(pkgs(r)[0]!.problems[0]!.hint).toContain('npm trust github');
    expect(await storedPublisher('@or-deny/a').catch(() => null)).toBeNull();
  });

  it('a revoked token: TOKEN_EXPIRED', async () => {
    const ws = await oidcWorkspace(rig, ['@or-old/a'], { trust: null });
    const token = await rig.registry.addUser({ name: 'revoked-user', password: 'revoked-pass-1' });
    await rig.registry.revokeToken(token);
    await writeNpmrc(ws.dir, { url: rig.registry.url, token });
    const r = await release(ws.dir, githubJob(rig, ws.home), ['--auth', 'token']);
    expect(r.code).toBe(1);
    expect(codesOf(r, '@or-old/a')).toEqual(['TOKEN_EXPIRED:error']);
    for (const out of [r.stdout, r.stderr]) expect(out).not.toContain(token);
  });
});
