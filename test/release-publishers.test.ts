// `provenant release` through pnpm 9, yarn berry and changesets, end to end against the
// rig: every package published with provenance and verified, the work tree unchanged.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesetBin, run, toolVersions, writeYarnrc } from '../packages/testing/dist/index.js';
import {
  fixture,
  fourPackages,
  release,
  signingEnv,
  snapshot,
  startRig,
  statuses,
  stopRig,
  type Rig,
  reportOf,
} from './helpers/rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await stopRig(rig);
});

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
    // the root's node_modules/.bin/changeset, as an install would leave it
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    writeFileSync(
      join(dir, 'node_modules', '.bin', 'changeset'),
      `#!/bin/sh\nexec "${process.execPath}" "${changesetBin()}" "$@"\n`,
    );
    chmodSync(join(dir, 'node_modules', '.bin', 'changeset'), 0o755);
    const before = snapshot(dir);
    const result = await release(rig, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result)?.environment.publisher?.name).toBe('changesets');
    allVerified(result, scope);
    expect(snapshot(dir)).toEqual(before);
  });
});
