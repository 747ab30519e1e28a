import { describe, expect, it } from 'vitest';
import type { ExecFn } from '../context.js';
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
  const fakeExec =
    (versions: Record<string, string | null>, calls: string[] = []): ExecFn =>
    (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      const key = Object.keys(versions).find((k) => file === k || file.endsWith(`/${k}`));
      const v = key === undefined ? null : versions[key];
      return Promise.resolve(
        v === null || v === undefined
          ? { exitCode: 127, stdout: '', stderr: '', failedToStart: `spawn ${file} ENOENT` }
          : { exitCode: 0, stdout: `${v}\n`, stderr: '' },
      );
    };
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

  const pathFs = (files: string[], heads: Record<string, string> = {}) => ({
    env: { PATH: '/tools/pnpm11:/usr/bin' },
    exists: (p: string) => files.includes(p),
    readHead: (p: string) => heads[p] ?? null,
  });

  it('the version that runs: node_modules/.bin before PATH; its Node beside it; pnpm ≤ 10 uses the npm beside its Node', async () => {
    const calls: string[] = [];
    const exec: ExecFn = (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      const v: Record<string, string> = {
        '/repo/node_modules/.bin/pnpm': '10.34.9',
        '/tools/pnpm11/pnpm': '11.28.11',
        '/tools/pnpm11/node': 'v22.23.5',
        '/usr/bin/node': 'v20.20.2',
        '/usr/bin/npm': '11.19.1',
      };
      const out = v[file];
      return Promise.resolve(
        out
          ? { exitCode: 0, stdout: out, stderr: '' }
          : { exitCode: 127, stdout: '', stderr: '', failedToStart: 'ENOENT' },
      );
    };
    const files = ['/tools/pnpm11/pnpm', '/tools/pnpm11/node', '/usr/bin/node', '/usr/bin/npm'];
    const onPath = await detectPublisher({
      root: '/repo',
      rootManifest: {},
      readFile: () => null,
      ...pathFs([...files, '/repo/pnpm-lock.yaml']),
      exec,
    });
    expect(onPath.publisher).toMatchObject({
      version: '11.28.11',
      bin: '/tools/pnpm11/pnpm',
      node: { bin: '/tools/pnpm11/node', version: '22.23.5' },
    });
    const local = await detectPublisher({
      root: '/repo',
      rootManifest: {},
      readFile: () => null,
      // no Node beside it: its `#!/usr/bin/env node` takes PATH's first node
      ...pathFs(
        [
          '/tools/pnpm11/pnpm',
          '/usr/bin/node',
          '/usr/bin/npm',
          '/repo/pnpm-lock.yaml',
          '/repo/node_modules/.bin/pnpm',
        ],
        {
          '/repo/node_modules/.bin/pnpm': '#!/usr/bin/env node\n',
        },
      ),
      exec,
    });
    expect(local.publisher).toMatchObject({
      version: '10.34.9',
      bin: '/repo/node_modules/.bin/pnpm',
      node: { bin: '/usr/bin/node', version: '20.20.2' },
    });
    // pnpm 10 runs on /usr/bin/node: the npm beside it uploads
    expect(local.npmVersion).toBe('11.19.1');
    expect(calls).toContain('/usr/bin/npm --version');
  });

  it('the Node running Provenant (behind a symlink) needs no `node --version`; another Node does', async () => {
    const calls: string[] = [];
    const exec: ExecFn = (file, args) => {
      calls.push(`${file} ${args.join(' ')}`);
      const out = {
        '/tools/pnpm11/pnpm': '11.28.11',
        '/tools/pnpm11/node': 'v22.23.5',
        '/usr/bin/npm': '11.19.1',
      }[file];
      return Promise.resolve(
        out
          ? { exitCode: 0, stdout: out, stderr: '' }
          : { exitCode: 127, stdout: '', stderr: '', failedToStart: 'ENOENT' },
      );
    };
    const files = ['/tools/pnpm11/pnpm', '/tools/pnpm11/node', '/usr/bin/npm', '/repo/pnpm-lock.yaml'];
    const detect = (running: string) =>
      detectPublisher({
        root: '/repo',
        rootManifest: {},
        readFile: () => null,
        ...pathFs(files),
        exec,
        runningNode: { path: running, version: 'v24.12.0' },
        realpath: (p) => (p === '/tools/pnpm11/node' ? '/opt/node-24/bin/node' : p),
      });
    expect((await detect('/opt/node-24/bin/node')).publisher?.node).toEqual({
      bin: '/tools/pnpm11/node',
      version: '24.12.0',
    });
    expect(calls).not.toContain('/tools/pnpm11/node --version');
    expect((await detect('/usr/bin/node')).publisher?.node).toEqual({
      bin: '/tools/pnpm11/node',
      version: '22.23.5',
    });
    expect(calls).toContain('/tools/pnpm11/node --version');
  });

  it("an npm that resolves into its own package: its manifest's version, without `npm --version`", async () => {
    const calls: string[] = [];
    const manifests: Record<string, string> = {
      '/usr/lib/node_modules/npm/package.json': '{"name":"npm","version":"11.19.1"}',
      '/opt/other/node_modules/npm/package.json': '{"name":"not-npm","version":"1.0.0"}',
    };
    const detect = (target: string) =>
      detectPublisher({
        root: '/repo',
        rootManifest: {},
        readFile: (p) => manifests[p] ?? null,
        ...pathFs(['/usr/bin/npm']),
        exec: fakeExec({ npm: '10.0.0', node: 'v20.20.2' }, calls),
        realpath: (p) => (p === '/usr/bin/npm' ? target : p),
      });
    const linked = await detect('/usr/lib/node_modules/npm/bin/npm-cli.js');
    expect(linked.publisher).toMatchObject({ name: 'npm', version: '11.19.1', bin: '/usr/bin/npm' });
    expect(linked.npmVersion).toBe('11.19.1');
    expect(calls).not.toContain('/usr/bin/npm --version');
    // a corepack shim, or a manifest that is not npm's: the binary is asked
    for (const target of [
      '/usr/lib/node_modules/corepack/dist/npm.js',
      '/opt/other/node_modules/npm/bin/npm-cli.js',
    ]) {
      calls.length = 0;
      expect((await detect(target)).publisher?.version).toBe('10.0.0');
      expect(calls).toContain('/usr/bin/npm --version');
    }
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
