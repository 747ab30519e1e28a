import { describe, expect, it } from 'vitest';
import type { ExecFn } from '../context.js';
import { detectPublisher } from './detect-publisher.js';
import { fakeExec } from './test-support/fake-exec.js';

// Which publisher binary runs, on which Node, and where its version comes from: a project's
// node_modules/.bin before PATH, the Node beside it, and no `--version` child where the answer
// is on disk (the Node running Provenant, an npm that resolves into its own package).
describe('detectPublisher: the binary that runs', () => {
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
});
