// The adapters against real output captured from each publisher generation on the rig
// (fixtures/: pnpm 10.34.9 with npm 11.19 and npm 12.2.2, pnpm 11.28.11, pnpm 12.23.0,
// changesets 3.0.3 over npm 12; see fixtures/README.md).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changesetsAdapter, readChangesetsOutput, readPackPlan } from './changesets.js';
import { npmAdapter, readNpmPackJson } from './npm.js';
import { pnpmAdapter, readPnpmPack, readPnpmPublish } from './pnpm.js';
import type { PublishCommandOptions, PublishTarget } from './types.js';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');
const result = (name: string, exitCode: number) => ({
  exitCode,
  stdout: fixture(`${name}.out`),
  stderr: (() => {
    try {
      return fixture(`${name}.err`);
    } catch {
      return '';
    }
  })(),
});

const options: PublishCommandOptions = {
  root: '/r',
  registry: 'http://127.0.0.1:4873/',
  tag: undefined,
  access: 'public',
  provenanceArgs: ['--provenance'],
  provenanceEnv: { NPM_CONFIG_PROVENANCE: 'true', PNPM_CONFIG_PROVENANCE: 'true' },
};
const a: PublishTarget = { name: '@s/a', version: '1.0.0', dir: '/r/packages/a', relDir: 'packages/a' };

describe('pnpm publish --json, per generation', () => {
  it('pnpm 10 (npm prints it): keyed by name, with the integrity', () => {
    expect(readPnpmPublish('@p10/a', result('pnpm10-publish-tgz', 0))).toEqual({
      kind: 'published',
      integrity:
        'sha512-Rk/VEtdy3IaZkljBhunDE36+dWNrAVK4FeXH3ZboKBBtuRLSSL2VAJ6WSKbGN70DvpvJbEvbpmqs817orbporA==',
    });
    // pnpm 10 handing a tarball to npm 12: the same shape, npm 12's warnings on stderr
    expect(readPnpmPublish('@p10b/a', result('pnpm10-npm12', 0))).toMatchObject({
      kind: 'published',
      integrity: expect.stringMatching(/^sha512-10rKyy/) as unknown,
    });
  });
  it('pnpm 11 and 12: one bare object', () => {
    expect(readPnpmPublish('@p11/a', result('pnpm11-publish-tgz', 0))).toEqual({
      kind: 'published',
      integrity:
        'sha512-DIk0uzSlhFIXvKLG5eTV1yQRcSbSTx/Wa4HMfXQJ6ZzdUZXj7zyvZg0MPcWTwh0GncuPXSEsSLd76rwiZXXTyw==',
    });
    expect(readPnpmPublish('@p12/b', result('pnpm12-publish-tgz', 0))).toMatchObject({
      kind: 'published',
      integrity: expect.stringMatching(/^sha512-PfvcNo4N/) as unknown,
    });
  });
  it('publishing over a version: npm error JSON (10), {"error":{"code","message"}} (11: E409, 12: ERR_PNPM_FAILED_TO_PUBLISH)', () => {
    for (const name of ['pnpm10-publish-conflict', 'pnpm11-publish-conflict', 'pnpm12-publish-conflict'])
      expect(readPnpmPublish('@s/a', result(name, 1)).kind, name).toBe('already-published');
  });
  it('pnpm 12 cannot sign offline: ERR_PNPM_PROVENANCE_SIGN (TUF) is a failure, not retried', () => {
    for (const name of ['pnpm12-provenance-tuf', 'pnpm12-provenance-tuf-local-ca'])
      expect(readPnpmPublish('@p12/a', result(name, 1)), name).toMatchObject({
        kind: 'failed',
        transient: false,
      });
  });
  it('pnpm pack --json: the tarball path (absolute in 10–12)', () => {
    expect(readPnpmPack(fixture('pnpm12-pack.out'), '/elsewhere')).toEqual(
      new Map([['@p12/b', '/tmp/mc-lab/out12/p12-b-1.0.0.tgz']]),
    );
    expect(readPnpmPack('{"name":"@s/a","filename":"s-a-1.0.0.tgz"}', '/tmp/pack')).toEqual(
      new Map([['@s/a', '/tmp/pack/s-a-1.0.0.tgz']]),
    );
  });
});

describe('pnpm: pack once, publish that tarball', () => {
  const pnpm = pnpmAdapter('11.28.11', '/tools/pnpm');
  it('publishes the packed tarball from the root, --json', () => {
    const inv = pnpm.publishInvocation([a], {
      ...options,
      tarballs: new Map([['@s/a', '/tmp/p/s-a-1.0.0.tgz']]),
    });
    expect(inv).toMatchObject({ file: '/tools/pnpm', cwd: '/r' });
    expect(inv.args).toEqual([
      'publish',
      '/tmp/p/s-a-1.0.0.tgz',
      '--json',
      '--no-git-checks',
      '--registry',
      'http://127.0.0.1:4873/',
      '--access',
      'public',
      '--provenance',
    ]);
    expect(inv.env).toMatchObject({ NPM_CONFIG_PROVENANCE: 'true', PNPM_CONFIG_PROVENANCE: 'true' });
  });
  it('without a tarball (its pack failed) it publishes the folder', () => {
    const inv = pnpm.publishInvocation([a], options);
    expect(inv.cwd).toBe('/r/packages/a');
    expect(inv.args[1]).toBe('--no-git-checks');
  });
  it('runs prepublishOnly through pnpm before packing', () => {
    expect(pnpm.runScriptInvocation?.(a, 'prepublishOnly', {})).toMatchObject({
      file: '/tools/pnpm',
      args: ['run', 'prepublishOnly'],
      cwd: '/r/packages/a',
    });
  });
});

describe('npm pack --json', () => {
  it('npm 12 keys the -w summaries by name (npm 11 printed an array)', () => {
    const packed = readNpmPackJson(fixture('npm12-pack-dry-run.out'));
    expect([...packed.keys()]).toEqual(['@c3/a', '@c3/d']);
    expect(packed.get('@c3/a')).toMatch(/^sha512-ul2dBoQR/);
    expect(readNpmPackJson('[{"name":"x","integrity":"sha512-x"}]')).toEqual(new Map([['x', 'sha512-x']]));
  });
});

describe('npm 12: never a flag it does not know (EUNKNOWNCONFIG)', () => {
  const known = JSON.parse(fixture('npm12-config-keys.json')) as {
    definitions: string[];
    shorthands: string[];
  };
  const flagsOf = (args: readonly string[]) =>
    args.filter((x) => x.startsWith('-')).map((x) => x.replace(/^--?(no-)?/, '').split('=')[0] ?? '');
  it('publish and pack arguments are all npm 12 configuration keys', () => {
    const npm = npmAdapter('12.2.2');
    const publish = npm.publishInvocation([a, { ...a, name: '@s/b' }], { ...options, tag: 'next' }).args;
    const pack = npm.packInvocations([a], { root: '/r', tmpDir: '/tmp', env: {} }).flatMap((i) => i.args);
    // what pnpm ≤ 10 forwards to the npm beside it
    const viaPnpm = pnpmAdapter('10.34.9')
      .publishInvocation([a], { ...options, tag: 'next', tarballs: new Map([['@s/a', '/t.tgz']]) })
      .args.filter((x) => x !== '--no-git-checks');
    for (const flag of flagsOf([...publish, ...pack, ...viaPnpm]))
      expect(known.definitions.includes(flag) || known.shorthands.includes(flag), flag).toBe(true);
  });
});

describe('changesets 3', () => {
  it('reads its log: the success list, the failure list with └ CODE: message; the rest not attempted', () => {
    const out = readChangesetsOutput(['@c3/a', '@c3/b', '@c3/d'], fixture('cs3-publish-fail.out'));
    expect(out.get('@c3/d')).toEqual({ kind: 'published', integrity: null });
    expect(out.get('@c3/a')).toMatchObject({ kind: 'failed', transient: false });
    expect((out.get('@c3/a') as { message: string }).message).toContain('ENOENT');
    expect(out.get('@c3/b')).toEqual({ kind: 'not-attempted' });
  });
  it('reads publish-plan.json (version 1): every publish release and its tarball', () => {
    const plan = readPackPlan('/out', (p) =>
      p === '/out/publish-plan.json' ? Buffer.from(fixture('cs3-publish-plan.json')) : null,
    );
    expect(plan).toEqual(
      new Map([
        ['@c3/a', '/out/packages/c3-a-1.0.0.tgz'],
        ['@c3/d', '/out/packages/c3-d-1.0.0.tgz'],
        ['@c3/b', '/out/packages/c3-b-1.0.0.tgz'],
      ]),
    );
    expect(readPackPlan('/out', () => Buffer.from('{"version":2,"plan":[]}'))).toEqual(new Map());
  });
  it('packs once, then publishes --from-pack-dir; a dist-tag or yarn publish from the folders', () => {
    const cs = changesetsAdapter('3.0.3', { bin: '/r/node_modules/.bin/changeset', underlying: 'npm' });
    expect(cs.publishesPackedTarball).toBe(true);
    const [pack] = cs.packInvocations([a], { root: '/r', tmpDir: '/tmp/p', env: {}, registry: 'http://x/' });
    expect(pack).toMatchObject({
      args: ['pack', '--out-dir', '/tmp/p'],
      cwd: '/r',
      env: { npm_config_registry: 'http://x/' },
    });
    const tarballs = new Map([['@s/a', '/tmp/p']]);
    expect(cs.publishInvocation([a], { ...options, tarballs }).args).toEqual([
      'publish',
      '--from-pack-dir',
      '/tmp/p',
    ]);
    // changesets refuses a custom tag in artifact mode
    expect(cs.publishInvocation([a], { ...options, tag: 'next', tarballs }).args).toEqual([
      'publish',
      '--tag',
      'next',
    ]);
    const yarn = changesetsAdapter('3.0.3', { underlying: 'yarn' });
    expect(yarn.publishesPackedTarball).toBe(false);
    // pnpm 10 under changesets 3 would run npm in the package folder, without the root's token
    const pnpm = changesetsAdapter('3.0.3', { underlying: 'pnpm' });
    expect(pnpm.publishesPackedTarball).toBe(false);
    expect(pnpm.reproduciblePack).toBe(false);
    expect(changesetsAdapter('2.31.1', { underlying: 'npm' }).publishesPackedTarball).toBe(false);
  });
});
