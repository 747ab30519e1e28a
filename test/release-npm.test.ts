// `provenant release` with the npm publisher, end to end: real npm, Verdaccio with
// attestations, local Sigstore, simulated GitHub Actions. Assertions use --json codes.
import { describe, expect, it } from 'vitest';
import {
  codes,
  fixture,
  fourPackages,
  packument,
  release,
  snapshot,
  statuses,
  reportOf,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

describe('provenant release (npm)', () => {
  it('publishes every package in order with provenance, verifies each, leaves the tree as it was', async () => {
    const dir = await fixture(rig, { packages: fourPackages('@e2e-npm') });
    const before = snapshot(dir);
    const result = await release(rig, dir);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual({
      '@e2e-npm/a': 'verified',
      '@e2e-npm/b': 'verified',
      '@e2e-npm/c': 'verified',
      '@e2e-npm/d': 'verified',
    });
    expect(reportOf(result)?.environment.publisher?.name).toBe('npm');
    expect(reportOf(result)?.environment.provenanceVia).toBe('env');
    for (const pkg of reportOf(result)?.packages ?? []) {
      expect(pkg.verification?.provenance).toBe('verified');
      expect(pkg.verification?.identity?.repository).toBe('https://github.com/acme/widgets');
      expect(pkg.publish?.integrity).toBe(
        (await packument(rig, pkg.name))?.versions?.['1.0.0']?.dist.integrity,
      );
    }
    expect(snapshot(dir)).toEqual(before);
    // the token never shows
    expect(result.stdout + result.stderr).not.toContain(rig.registry.token);

    // a second run publishes nothing and still succeeds
    const again = await release(rig, dir);
    expect(again.code, again.stderr).toBe(0);
    expect(Object.values(statuses(again))).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(codes(again, '@e2e-npm/a')).toEqual(['ALREADY_PUBLISHED']);
  });

  it('--provenance-via publish-config edits the manifests, journaled, and restores them byte for byte', async () => {
    const dir = await fixture(rig, { packages: fourPackages('@e2e-npm-pc') });
    const before = snapshot(dir);
    const result = await release(rig, dir, ['--provenance-via', 'publish-config']);
    expect(result.code, result.stderr).toBe(0);
    expect(reportOf(result)?.environment.provenanceVia).toBe('publish-config');
    expect(new Set(Object.values(statuses(result)))).toEqual(new Set(['verified']));
    expect(snapshot(dir)).toEqual(before);
  });

  it('--dry-run prints the commands and changes nothing', async () => {
    const dir = await fixture(rig, { packages: fourPackages('@e2e-npm-dry') });
    const before = snapshot(dir);
    const result = await release(rig, dir, ['--dry-run', '--provenance-via', 'npmrc']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('npm publish -w @e2e-npm-dry/a');
    expect(result.stderr).toContain('+ provenance=true');
    expect(Object.values(statuses(result))).toEqual(['ready', 'ready', 'ready', 'ready']);
    expect(await packument(rig, '@e2e-npm-dry/a')).toBeNull();
    expect(snapshot(dir)).toEqual(before);
  });
});
