import { describe, expect, it } from 'vitest';
import { fakeExec } from './test-support/fake-exec.js';
import {
  choosePublisher,
  detectPublisher,
  parseVersionOutput,
  type PublisherFacts,
} from './detect-publisher.js';

const facts = (over: Partial<PublisherFacts> = {}): PublisherFacts => ({
  changesetDir: false,
  changesetsCli: false,
  packageManager: null,
  pnpmLock: false,
  yarnLock: false,
  yarnrcYml: false,
  ...over,
});

describe('choosePublisher (auto)', () => {
  it('changesets needs both .changeset/ and @changesets/cli; delegates to pnpm or npm', () => {
    expect(choosePublisher(facts({ changesetDir: true, changesetsCli: true }))).toEqual({
      name: 'changesets',
      delegate: 'npm',
      yarnFlavor: null,
    });
    expect(choosePublisher(facts({ changesetDir: true, changesetsCli: true, pnpmLock: true })).delegate).toBe(
      'pnpm',
    );
    expect(
      choosePublisher(facts({ changesetDir: true, changesetsCli: true, packageManager: 'pnpm@10.1.0' }))
        .delegate,
    ).toBe('pnpm');
    expect(choosePublisher(facts({ changesetDir: true, pnpmLock: true })).name).toBe('pnpm');
    expect(choosePublisher(facts({ changesetsCli: true })).name).toBe('npm');
  });

  it('packageManager wins over lockfiles', () => {
    expect(choosePublisher(facts({ packageManager: 'yarn@4.9.2', pnpmLock: true }))).toEqual({
      name: 'yarn',
      delegate: null,
      yarnFlavor: 'berry',
    });
    expect(choosePublisher(facts({ packageManager: 'yarn@1.22.22' })).yarnFlavor).toBe('classic');
    expect(choosePublisher(facts({ packageManager: 'npm@10.9.0', yarnLock: true })).name).toBe('npm');
    expect(choosePublisher(facts({ packageManager: 'pnpm@9.15.9+sha512.abc' })).name).toBe('pnpm');
  });

  it('lockfiles: pnpm, yarn berry (with .yarnrc.yml), yarn classic, else npm', () => {
    expect(choosePublisher(facts({ pnpmLock: true })).name).toBe('pnpm');
    expect(choosePublisher(facts({ yarnLock: true, yarnrcYml: true }))).toMatchObject({
      name: 'yarn',
      yarnFlavor: 'berry',
    });
    expect(choosePublisher(facts({ yarnLock: true }))).toMatchObject({ name: 'yarn', yarnFlavor: 'classic' });
    expect(choosePublisher(facts()).name).toBe('npm');
  });

  it('an explicit --publisher is taken as is', () => {
    expect(choosePublisher(facts({ pnpmLock: true }), 'npm').name).toBe('npm');
    expect(choosePublisher(facts({ pnpmLock: true }), 'changesets')).toMatchObject({
      name: 'changesets',
      delegate: 'pnpm',
    });
  });
});

describe('detectPublisher', () => {
  const base = { root: '/repo', readFile: () => null };

  it('runs <bin> --version through the injected exec', async () => {
    const calls: string[] = [];
    const result = await detectPublisher({
      ...base,
      rootManifest: { packageManager: 'pnpm@9.15.9' },
      exists: () => false,
      exec: fakeExec({ npm: '10.9.2', pnpm: '9.15.9', node: 'v20.20.2' }, calls),
    });
    expect(result).toEqual({
      publisher: {
        name: 'pnpm',
        version: '9.15.9',
        yarnFlavor: null,
        bin: 'pnpm',
        node: { bin: 'node', version: '20.20.2' },
      },
      npmVersion: '10.9.2',
      problems: [],
    });
    expect(calls).toEqual(['pnpm --version', 'node --version', 'npm --version']);
  });

  it('reads the yarn flavour from the version it runs', async () => {
    const result = await detectPublisher({
      ...base,
      rootManifest: {},
      exists: (p) => p.endsWith('yarn.lock'),
      exec: fakeExec({ npm: '10.0.0', yarn: '4.9.2' }),
    });
    expect(result.publisher).toMatchObject({ name: 'yarn', version: '4.9.2', yarnFlavor: 'berry' });
  });

  it('changesets: version from node_modules, delegate version by exec', async () => {
    const result = await detectPublisher({
      root: '/repo',
      rootManifest: { devDependencies: { '@changesets/cli': '^2.31.0' } },
      exists: (p) => p.endsWith('.changeset') || p.endsWith('pnpm-lock.yaml'),
      readFile: (p) =>
        p === '/repo/node_modules/@changesets/cli/package.json' ? '{"version":"2.31.1"}' : null,
      exec: fakeExec({ npm: '11.6.0', pnpm: '10.2.0' }),
    });
    expect(result.publisher).toMatchObject({
      name: 'changesets',
      version: '2.31.1',
      delegate: { name: 'pnpm', version: '10.2.0' },
      yarnFlavor: null,
    });
  });

  it('changesets 3 publishes a yarn repo with yarn; 2.x with npm', async () => {
    const detect = (version: string) =>
      detectPublisher({
        root: '/repo',
        rootManifest: { devDependencies: { '@changesets/cli': version } },
        exists: (p) => p.endsWith('.changeset') || p.endsWith('yarn.lock'),
        readFile: (p) => (p.endsWith('@changesets/cli/package.json') ? `{"version":"${version}"}` : null),
        exec: fakeExec({ npm: '11.6.0', yarn: '4.18.1', node: 'v22.23.5' }),
      });
    expect((await detect('3.0.3')).publisher?.delegate).toEqual({ name: 'yarn', version: '4.18.1' });
    expect((await detect('2.31.1')).publisher?.delegate).toEqual({ name: 'npm', version: '11.6.0' });
  });

  it('packageManager: a version that cannot run is named in the error; another version running is a warning', async () => {
    const missing = await detectPublisher({
      ...base,
      rootManifest: { packageManager: 'pnpm@12.23.0+sha512.abc' },
      exists: () => false,
      exec: fakeExec({ npm: '11.6.0' }),
    });
    expect(missing.problems.map((p) => p.code)).toEqual(['PUBLISHER_NOT_FOUND']);
    expect(missing.problems[0]!.message).toContain('pnpm@12.23.0');
    expect(missing.problems[0]!.hint).toContain('pnpm@12.23.0');
    const other = await detectPublisher({
      ...base,
      rootManifest: { packageManager: 'pnpm@12.23.0' },
      exists: () => false,
      exec: fakeExec({ npm: '11.6.0', pnpm: '10.34.9', node: 'v20.20.2' }),
    });
    expect(other.publisher?.version).toBe('10.34.9');
    expect(other.problems.map((p) => [p.code, p.severity])).toEqual([
      ['PACKAGE_MANAGER_MISMATCH', 'warning'],
    ]);
    expect(other.problems[0]!.message).toContain('pnpm@12.23.0');
  });

  it('PUBLISHER_NOT_FOUND when the binary cannot run', async () => {
    const result = await detectPublisher({
      ...base,
      rootManifest: {},
      exists: (p) => p.endsWith('pnpm-lock.yaml'),
      exec: fakeExec({ npm: '10.0.0' }),
    });
    expect(result.publisher).toBeNull();
    expect(result.problems.map((p) => [p.code, p.severity])).toEqual([['PUBLISHER_NOT_FOUND', 'error']]);
    expect(result.problems[0]!.hint).toContain('pnpm');
  });

  it('changesets over pnpm with neither installed: one PUBLISHER_NOT_FOUND, not one per binary', async () => {
    const result = await detectPublisher({
      root: '/repo',
      rootManifest: { devDependencies: { '@changesets/cli': '^2.31.0' } },
      exists: (p) => p.endsWith('.changeset') || p.endsWith('pnpm-lock.yaml'),
      readFile: () => null,
      exec: fakeExec({ npm: '11.6.0' }),
    });
    expect(result.publisher).toBeNull();
    expect(result.problems.map((p) => p.code)).toEqual(['PUBLISHER_NOT_FOUND']);
    expect(result.problems[0]!.message).toContain('pnpm');
    expect(result.problems[0]!.message).toContain('changeset');
  });

  it('changesets: each missing piece alone is still reported', async () => {
    const input = {
      root: '/repo',
      rootManifest: { devDependencies: { '@changesets/cli': '^2.31.0' } },
      exists: (p: string) => p.endsWith('.changeset') || p.endsWith('pnpm-lock.yaml'),
    };
    const noCli = await detectPublisher({
      ...input,
      readFile: () => null,
      exec: fakeExec({ npm: '11.6.0', pnpm: '9.15.9' }),
    });
    expect(noCli.problems.map((p) => p.code)).toEqual(['PUBLISHER_NOT_FOUND']);
    expect(noCli.problems[0]!.message).toContain('changeset');
    const noPnpm = await detectPublisher({
      ...input,
      readFile: (p) => (p.endsWith('@changesets/cli/package.json') ? '{"version":"2.31.1"}' : null),
      exec: fakeExec({ npm: '11.6.0' }),
    });
    expect(noPnpm.problems.map((p) => p.code)).toEqual(['PUBLISHER_NOT_FOUND']);
    expect(noPnpm.problems[0]!.message).toContain('pnpm');
  });

  it('parseVersionOutput', () => {
    expect(parseVersionOutput('v10.1.0\n')).toBe('10.1.0');
    expect(parseVersionOutput('4.10.0-rc.1')).toBe('4.10.0-rc.1');
    expect(parseVersionOutput('nope')).toBeNull();
  });
});
