// `provenant release` through pnpm 9, yarn berry and changesets, end to end against the
// rig: every package published with provenance and verified, the work tree unchanged.
import { describe, expect, it } from 'vitest';
import { run, toolVersions, writeYarnrc } from '../packages/testing/dist/index.js';
import {
  fixture,
  fourPackages,
  linkChangesetBin,
  release,
  reportOf,
  signingEnv,
  snapshot,
  statuses,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

function allVerified(result: Awaited<ReturnType<typeof release>>, scope: string) {
  expect(statuses(result)).toEqual({
    [`${scope}/a`]: 'verified',
    [`${scope}/b`]: 'verified',
    [`${scope}/c`]: 'verified',
    [`${scope}/d`]: 'verified',
  });
}

describe('provenant release through other publishers', () => {
  it('pnpm 9 (workspace: ranges, provenance via NPM_CONFIG_PROVENANCE)', async () => {
    const scope = '@e2e-pnpm';
    const dir = await fixture(rig, { manager: 'pnpm', packages: fourPackages(scope, 'workspace:^') });
    const install = await run('pnpm', ['install'], { cwd: dir, env: signingEnv(rig) });
    expect(install.exitCode, install.all).toBe(0);
    const before = snapshot(dir);
    const result = await release(rig, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result)?.environment.publisher).toEqual({ name: 'pnpm', version: toolVersions().pnpm });
    allVerified(result, scope);
    expect(snapshot(dir)).toEqual(before);
  });

  it('yarn berry (batched through yarn workspaces foreach, provenance via .yarnrc.yml, journal under node_modules/.cache)', async () => {
    const scope = '@e2e-yarn';
    const dir = await fixture(rig, {
      manager: 'yarn',
      packages: fourPackages(scope, 'workspace:^'),
      git: false,
    });
    await writeYarnrc(dir, rig.registry);
    const env = signingEnv(rig, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    const install = await run('yarn', ['install'], { cwd: dir, env });
    expect(install.exitCode, install.all).toBe(0);
    const before = snapshot(dir);
    const result = await release(rig, dir, ['--provenance-via', 'yarnrc']);
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result)?.environment.publisher?.name).toBe('yarn');
    expect(reportOf(result)?.environment.provenanceVia).toBe('yarnrc');
    allVerified(result, scope);
    expect(snapshot(dir)).toEqual(before);
  });

  it('changesets (changeset publish, whole)', async () => {
    const scope = '@e2e-cs';
    const dir = await fixture(rig, {
      packages: fourPackages(scope),
      changesets: true,
      rootManifest: { devDependencies: { '@changesets/cli': `^${toolVersions().changesets}` } },
    });
    linkChangesetBin(dir);
    const before = snapshot(dir);
    const result = await release(rig, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result)?.environment.publisher?.name).toBe('changesets');
    allVerified(result, scope);
    expect(snapshot(dir)).toEqual(before);
  });
});
