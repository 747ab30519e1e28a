// Installable from its tarball: `pnpm pack` of @provenant/core and @provenant/cli, installed
// with `npm install <tgz>…` into an empty folder (no workspace, no devDependencies), then the
// installed `provenant` runs --version, check (against a real Verdaccio) and verify --offline
// (real npm attestations, the trust material embedded in the installed @sigstore/tuf) on each Node.
import { execFileSync } from 'node:child_process';
import { readdirSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FIXTURE_PACKAGES,
  makeTempDir,
  makeWorkspace,
  nodeFor,
  removeDir,
  run,
  startFixtureRegistry,
  startRegistry,
  type FixtureRegistry,
  type Registry,
  writeNpmrc,
} from '../packages/testing/dist/index.js';
import { githubEnv } from './helpers/check-rig.js';
import {
  installTarballs,
  installedBin,
  manifestOf,
  packTarballs,
  userEnv,
  type Tarballs,
} from './helpers/packed-cli.js';
import { FIXTURES, present } from './helpers/shared-fixtures.js';

const SIGSTORE_2_3_1 = 'sigstore@2.3.1';

/** The Nodes the installed CLI must run on: the host (20), and 22 and 24 from the tool cache. */
const NODES: { label: string; major: 'host' | 22 | 24 }[] = [
  { label: `host ${process.version}`, major: 'host' },
  { label: '22', major: 22 },
  { label: '24', major: 24 },
];

let temp: string;
let tarballs: Tarballs;
let installDir: string;
let registry: Registry;
let fixtures: FixtureRegistry | undefined;
let workspace: string;

beforeAll(async () => {
  temp = await makeTempDir('tarball-install');
  tarballs = await packTarballs(join(temp, 'packs'));
  installDir = join(temp, 'user');
  const [rig] = await Promise.all([
    startRegistry(),
    installTarballs(
      installDir,
      [tarballs.core, tarballs.cli],
      userEnv(dirname(process.execPath), { HOME: temp }),
    ),
  ]);
  registry = rig;
  if (present)
    fixtures = await startFixtureRegistry({
      fixturesDir: FIXTURES,
      registries: {
        '': {
          [SIGSTORE_2_3_1]: {
            ...FIXTURE_PACKAGES[SIGSTORE_2_3_1],
            repository: 'git+https://github.com/sigstore/sigstore-js.git',
          },
        },
      },
    });
  workspace = join(temp, 'monorepo');
  await makeWorkspace(workspace, {
    repository: 'https://github.com/acme/widgets',
    packages: [{ name: '@tgz/a', publishConfig: { access: 'public' } }, { name: 'tgz-b' }],
  });
  await writeNpmrc(workspace, registry);
}, 300_000);

afterAll(async () => {
  await registry?.stop();
  await fixtures?.stop();
  if (temp) await removeDir(temp);
});

const tarFiles = (tgz: string) => execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n');

describe('the tarballs', () => {
  it.each(['core', 'cli'] as const)('@provenant/%s holds README, LICENSE and built JS only', (pkg) => {
    const files = tarFiles(tarballs[pkg]);
    expect(files).toEqual(
      expect.arrayContaining(['package/package.json', 'package/README.md', 'package/LICENSE']),
    );
    expect(
      files.filter((f) => /\.test\.|\.map$|tsbuildinfo|\/src\/|\.ts$/.test(f) && !f.endsWith('.d.ts')),
    ).toEqual([]);
    expect(files.filter((f) => f.endsWith('.js')).length).toBeGreaterThan(pkg === 'cli' ? 5 : 40);
    if (pkg === 'cli') expect(files).toContain('package/bin/provenant.js');
    else expect(files).toContain('package/dist/index.d.ts');
  });

  it('install brings no devDependency and no workspace link', () => {
    const modules = readdirSync(join(installDir, 'node_modules'));
    for (const dev of ['typescript', 'vitest', 'eslint', 'verdaccio', '@provenant/testing'])
      expect(modules, dev).not.toContain(dev);
    expect(readdirSync(join(installDir, 'node_modules', '@provenant')).sort()).toEqual(['cli', 'core']);
  });
});

describe('start-up', () => {
  it('--version loads neither the commands nor @provenant/core (it runs with core gone)', async () => {
    const core = join(installDir, 'node_modules', '@provenant', 'core');
    renameSync(core, `${core}.away`);
    try {
      const version = await run(installedBin(installDir), ['--version'], {
        cwd: temp,
        env: userEnv(dirname(process.execPath)),
      });
      expect(version.exitCode, version.all).toBe(0);
      expect(version.stdout.trim()).toBe(manifestOf('cli').version);
      // …while a command does need it
      const check = await run(installedBin(installDir), ['check', '--help'], {
        cwd: temp,
        env: userEnv(dirname(process.execPath)),
      });
      expect(check.exitCode).not.toBe(0);
    } finally {
      renameSync(`${core}.away`, core);
    }
  });
});

describe.each(NODES)('the installed provenant on Node $label', ({ major }) => {
  let binDir: string;
  beforeAll(async () => {
    binDir = dirname((await nodeFor(major)).nodeBin);
  }, 300_000);
  const provenant = (args: string[], cwd: string, extra: Record<string, string> = {}) =>
    run(installedBin(installDir), args, {
      cwd,
      env: { ...userEnv(binDir, { HOME: temp }), ...extra },
      timeoutMs: 90_000,
    });

  it('the bin runs on that Node', async () => {
    const expected = (await nodeFor(major)).version;
    const node = await run('node', ['-p', 'process.versions.node'], { cwd: temp, env: userEnv(binDir) });
    expect(node.stdout.trim()).toBe(expected);
    if (major !== 'host') expect(expected.split('.')[0]).toBe(String(major));
  });

  it('--version prints the package version', async () => {
    const result = await provenant(['--version'], temp);
    expect(result.exitCode, result.all).toBe(0);
    expect(result.stdout.trim()).toBe(manifestOf('cli').version);
  });

  it('check reads a monorepo and the registry', async () => {
    const env = githubEnv(temp, 'acme/widgets');
    const result = await provenant(['check', '--json', '--registry', registry.url], workspace, {
      ...env,
      PATH: userEnv(binDir).PATH!,
    });
    expect(result.exitCode, result.all).toBe(0);
    const report = JSON.parse(result.stdout) as { packages: { name: string; status: string }[] };
    expect(report.packages.map((p) => [p.name, p.status])).toEqual([
      ['@tgz/a', 'ready'],
      ['tgz-b', 'ready'],
    ]);
  });

  it.skipIf(!present)(
    'verify --offline proves a real npm attestation with the embedded trust material',
    async () => {
      const result = await provenant(
        ['verify', SIGSTORE_2_3_1, '--offline', '--json', '--registry', fixtures!.url],
        temp,
      );
      expect(result.exitCode, result.all).toBe(0);
      const report = JSON.parse(result.stdout) as {
        packages: { status: string; verification: { provenance: string } | null }[];
      };
      expect(report.packages[0]).toMatchObject({
        status: 'verified',
        verification: { provenance: 'verified' },
      });
    },
  );
});
