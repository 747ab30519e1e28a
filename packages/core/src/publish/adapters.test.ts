import { describe, expect, it } from 'vitest';
import { changesetsAdapter, readChangesetsOutput } from './changesets.js';
import { classifyFailure } from './classify.js';
import { npmAdapter } from './npm.js';
import { pnpmAdapter } from './pnpm.js';
import type { PublishCommandOptions, PublishTarget } from './types.js';
import { yarnAdapter } from './yarn.js';
import { registerSecret } from '../redact.js';

const a: PublishTarget = { name: '@s/a', version: '1.0.0', dir: '/r/packages/a', relDir: 'packages/a' };
const b: PublishTarget = { name: '@s/b', version: '1.0.0', dir: '/r/packages/b', relDir: 'packages/b' };
const options: PublishCommandOptions = {
  root: '/r',
  registry: 'http://127.0.0.1:4873/',
  tag: 'next',
  access: 'public',
  provenanceArgs: [],
  provenanceEnv: { NPM_CONFIG_PROVENANCE: 'true' },
};
const ok = (stdout = '') => ({ exitCode: 0, stdout, stderr: '' });

describe('npm adapter', () => {
  const npm = npmAdapter('11.6.0');
  it('publishes a batch of workspaces from the root', () => {
    const inv = npm.publishInvocation([a, b], { ...options, provenanceArgs: ['--provenance'] });
    expect(inv.cwd).toBe('/r');
    expect(inv.args).toEqual([
      'publish',
      '-w',
      '@s/a',
      '-w',
      '@s/b',
      '--json',
      '--registry',
      'http://127.0.0.1:4873/',
      '--tag',
      'next',
      '--access',
      'public',
      '--provenance',
    ]);
    expect(inv.env.NPM_CONFIG_PROVENANCE).toBe('true');
  });
  it('a single-package repo publishes the root itself', () => {
    expect(npm.publishInvocation([{ ...a, dir: '/r', relDir: '' }], options).args.slice(0, 2)).toEqual([
      'publish',
      '--json',
    ]);
  });
  it('reads a batch that stopped at a failure', () => {
    const stdout = JSON.stringify({
      '@s/a': { id: '@s/a@1.0.0', name: '@s/a', integrity: 'sha512-AAA' },
      error: { summary: 'You cannot publish over the previously published versions: 1.0.0.', detail: '' },
    });
    const out = npm.readOutcome([a, b], {
      exitCode: 1,
      stdout,
      stderr: 'npm error You cannot publish over…',
    });
    expect(out.get('@s/a')).toEqual({ kind: 'published', integrity: 'sha512-AAA' });
    expect(out.get('@s/b')).toEqual({ kind: 'not-attempted' });
  });
  it('reads a single package: success and failure kinds', () => {
    const single = JSON.stringify({ id: '@s/a@1.0.0', name: '@s/a', integrity: 'sha512-X' });
    expect(npm.readOutcome([a], ok(single)).get('@s/a')).toEqual({
      kind: 'published',
      integrity: 'sha512-X',
    });
    const conflict = {
      exitCode: 1,
      stdout: '',
      stderr: 'npm error You cannot publish over the previously published versions: 1.0.0.',
    };
    expect(npm.readOutcome([a], conflict).get('@s/a')?.kind).toBe('already-published');
    const limited = {
      exitCode: 1,
      stdout: '',
      stderr: 'npm error code E429\nnpm error 429 Too Many Requests - PUT http://x/@s%2fa',
    };
    expect(npm.readOutcome([a], limited).get('@s/a')?.kind).toBe('rate-limited');
  });
  it('packs all workspaces in one dry run', () => {
    const [inv] = npm.packInvocations([a, b], { root: '/r', tmpDir: '/t', env: {} });
    expect(inv?.args).toEqual(['pack', '--dry-run', '--json', '-w', '@s/a', '-w', '@s/b']);
    const stdout =
      '> prepack\n' +
      JSON.stringify(
        [
          { name: '@s/a', integrity: 'sha512-A' },
          { name: '@s/b', integrity: 'sha512-B' },
        ],
        null,
        2,
      );
    expect(Object.fromEntries(npm.readPack(inv!, ok(stdout), () => null))).toEqual({
      '@s/a': 'sha512-A',
      '@s/b': 'sha512-B',
    });
  });
});

describe('pnpm adapter', () => {
  const pnpm = pnpmAdapter('9.15.9');
  it('publishes one package from its folder, never -r', () => {
    const inv = pnpm.publishInvocation([a], options);
    expect(inv.cwd).toBe('/r/packages/a');
    expect(inv.args).toEqual([
      'publish',
      '--no-git-checks',
      '--registry',
      'http://127.0.0.1:4873/',
      '--tag',
      'next',
      '--access',
      'public',
    ]);
    expect(() => pnpm.publishInvocation([a, b], options)).toThrow();
  });
  it('hashes the tarball pnpm packed', () => {
    const [inv] = pnpm.packInvocations([a], { root: '/r', tmpDir: '/t', env: {} });
    const out = pnpm.readPack(
      inv!,
      ok(JSON.stringify({ name: '@s/a', filename: '/t/s-a-1.0.0.tgz' })),
      (p) => (p === '/t/s-a-1.0.0.tgz' ? Buffer.from('tarball') : null),
    );
    expect(out.get('@s/a')).toMatch(/^sha512-/);
  });
});

describe('yarn adapter', () => {
  const yarn = yarnAdapter('4.9.2');
  it('one package: yarn npm publish in the workspace, the registry in the environment', () => {
    const inv = yarn.publishInvocation([a], {
      ...options,
      provenanceArgs: ['--provenance'],
      provenanceEnv: {},
    });
    expect(inv.cwd).toBe('/r/packages/a');
    expect(inv.args).toEqual(['npm', 'publish', '--tag', 'next', '--access', 'public', '--provenance']);
    expect(inv.env.YARN_NPM_PUBLISH_REGISTRY).toBe('http://127.0.0.1:4873/');
  });
  it('several: one yarn workspaces foreach from the root', () => {
    const inv = yarn.publishInvocation([a, b], options);
    expect(inv.cwd).toBe('/r');
    expect(inv.args).toEqual([
      'workspaces',
      'foreach',
      '-A',
      '-p',
      '-v',
      '--include',
      '@s/a',
      '--include',
      '@s/b',
      'npm',
      'publish',
      '--tag',
      'next',
      '--access',
      'public',
    ]);
  });
  it('reads each workspace’s outcome from the prefixed output', () => {
    const stdout = [
      '[\u001b[38;5;173m@s/a\u001b[39m]: ➤ YN0000: Package archive published',
      '[@s/a]: ➤ YN0000: Done in 0s 615ms',
      '[@s/b]: ➤ YN0035: this package is already present',
      '[@s/b]: ➤ YN0035:   Response Code: 409 (Conflict)',
      '[@s/b]: ➤ YN0000: Failed with errors in 0s 432ms',
      'The command failed in workspace @s/b@workspace:packages/b with exit code 1',
    ].join('\n');
    const c = { ...a, name: '@s/c' };
    const out = yarn.readOutcome([a, b, c], { exitCode: 1, stdout, stderr: '' });
    expect(out.get('@s/a')?.kind).toBe('published');
    expect(out.get('@s/b')?.kind).toBe('already-published');
    expect(out.get('@s/c')?.kind).toBe('not-attempted');
  });
  it('packs several in one foreach, one alone in its folder', () => {
    const [batch] = yarn.packInvocations([a, b], { root: '/r', tmpDir: '/t', env: {} });
    expect(batch?.args.slice(-3)).toEqual(['pack', '--out', '/t/%s.tgz']);
    const files: Record<string, string> = { '/t/@s-a.tgz': 'A', '/t/@s-b.tgz': 'B' };
    const read = (p: string) => (files[p] === undefined ? null : Buffer.from(files[p]));
    expect([...yarn.readPack(batch!, ok(), read).keys()]).toEqual(['@s/a', '@s/b']);
    const [single] = yarn.packInvocations([a], { root: '/r', tmpDir: '/t', env: {} });
    expect(single?.cwd).toBe('/r/packages/a');
    const withManifest = (p: string) =>
      p === '/r/packages/a/package.json' ? Buffer.from('{"name":"@s/a"}') : read(p);
    expect(yarn.readPack(single!, ok(), withManifest).has('@s/a')).toBe(true);
  });
});

describe('changesets adapter', () => {
  it('runs changeset publish whole with npm_config_registry', () => {
    const cs = changesetsAdapter('2.31.1', { underlying: 'npm' });
    const inv = cs.publishInvocation([a, b], options);
    expect(inv.args).toEqual(['publish', '--tag', 'next']);
    expect(inv.env.npm_config_registry).toBe('http://127.0.0.1:4873/');
    expect(inv.env.NPM_CONFIG_PROVENANCE).toBe('true');
  });
  it('reads what it published, skipped and failed', () => {
    const log = [
      '🦋  info npm info @s/a',
      '🦋  warn @s/c is not being published because version 1.0.0 is already published on npm',
      '🦋  error an error occurred while publishing @s/b: E403 Forbidden',
      '🦋  error npm error 403 Forbidden - PUT http://x/@s%2fb',
      '🦋  success packages published successfully:',
      '🦋  @s/a@1.0.0',
      '🦋  Creating git tag...',
    ].join('\n');
    const out = readChangesetsOutput(['@s/a', '@s/b', '@s/c', '@s/d'], log);
    expect(out.get('@s/a')?.kind).toBe('published');
    expect(out.get('@s/b')?.kind).toBe('failed');
    expect(out.get('@s/c')?.kind).toBe('already-published');
    expect(out.get('@s/d')?.kind).toBe('not-attempted');
  });
});

describe('classifyFailure', () => {
  it('sorts the kinds and redacts tokens', () => {
    registerSecret('npm_SECRETSECRET123');
    const failed = classifyFailure('npm error 401 Unauthorized - token npm_SECRETSECRET123 is invalid');
    expect(failed).toMatchObject({ kind: 'failed', transient: false });
    expect(JSON.stringify(failed)).not.toContain('SECRETSECRET');
    expect(
      classifyFailure('npm error code EOTP\nnpm error This operation requires a one-time password'),
    ).toMatchObject({ kind: 'needs-otp' });
    expect(classifyFailure('npm error code E503\nnpm error 503 Service Unavailable')).toMatchObject({
      kind: 'failed',
      transient: true,
    });
    expect(classifyFailure('npm error code ECONNRESET')).toMatchObject({ kind: 'failed', transient: true });
  });
});
