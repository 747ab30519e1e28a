import { describe, expect, it } from 'vitest';
import {
  chooseProvenanceVia,
  npmSupportsProvenance,
  npmSupportsTrustedPublishing,
  provenanceEnvVariables,
  provenanceSwitches,
  publishesThroughNpm,
} from './switches.js';

describe('provenance switches (RIG.md)', () => {
  it('npm ≥ 9.5 honours all four; older none', () => {
    expect(provenanceSwitches({ name: 'npm', version: '9.5.0' })).toEqual([
      'env',
      'flag',
      'npmrc',
      'publish-config',
    ]);
    expect(provenanceSwitches({ name: 'npm', version: '9.4.2' })).toEqual([]);
  });

  it('pnpm: the flag first (one package per process: 9–12 honour it); 9/10 npm config, 11/12 pnpm config', () => {
    expect(provenanceSwitches({ name: 'pnpm', version: '9.15.9' })).toEqual([
      'flag',
      'env',
      'npmrc',
      'publish-config',
    ]);
    expect(provenanceSwitches({ name: 'pnpm', version: '11.0.0' })).toEqual(['flag', 'env']);
    expect(provenanceSwitches({ name: 'pnpm', version: '12.23.0' })).toEqual(['flag', 'env']);
    // both variables, whichever pnpm really runs
    for (const version of ['9.0.0', '10.34.9', '11.0.0', '12.23.0']) {
      expect(provenanceEnvVariables({ name: 'pnpm', version })).toEqual({
        NPM_CONFIG_PROVENANCE: 'true',
        PNPM_CONFIG_PROVENANCE: 'true',
      });
    }
  });

  it('yarn berry from 4.9; classic and older berry none', () => {
    expect(provenanceSwitches({ name: 'yarn', version: '4.9.0' })).toEqual([
      'env',
      'flag',
      'yarnrc',
      'publish-config',
    ]);
    expect(provenanceSwitches({ name: 'yarn', version: '4.8.1' })).toEqual([]);
    expect(provenanceSwitches({ name: 'yarn', version: '1.22.22' })).toEqual([]);
    expect(provenanceEnvVariables({ name: 'yarn', version: '4.9.0' })).toEqual({
      YARN_NPM_PUBLISH_PROVENANCE: 'true',
    });
  });

  it('changesets: env (NPM_CONFIG_PROVENANCE), publishConfig unless pnpm 11', () => {
    expect(
      provenanceSwitches({
        name: 'changesets',
        version: '2.31.1',
        delegate: { name: 'npm', version: '10.0.0' },
      }),
    ).toEqual(['env', 'publish-config']);
    expect(
      provenanceSwitches({
        name: 'changesets',
        version: '2.31.1',
        delegate: { name: 'pnpm', version: '11.1.0' },
      }),
    ).toEqual(['env']);
    expect(
      provenanceEnvVariables({
        name: 'changesets',
        version: '2.31.1',
        delegate: { name: 'npm', version: '10.0.0' },
      }),
    ).toEqual({ NPM_CONFIG_PROVENANCE: 'true' });
  });

  it('chooseProvenanceVia: auto takes the best; an unhonoured choice is null', () => {
    expect(chooseProvenanceVia({ name: 'npm', version: '11.0.0' })).toBe('env');
    expect(chooseProvenanceVia({ name: 'npm', version: '11.0.0' }, 'flag')).toBe('flag');
    expect(chooseProvenanceVia({ name: 'pnpm', version: '9.15.9' })).toBe('flag');
    expect(chooseProvenanceVia({ name: 'pnpm', version: '11.1.0' }, 'npmrc')).toBeNull();
    expect(chooseProvenanceVia({ name: 'pnpm', version: '12.0.0' }, 'publish-config')).toBeNull();
    expect(chooseProvenanceVia({ name: 'yarn', version: '1.22.0' })).toBeNull();
  });

  it('which publishers upload through npm; npm thresholds', () => {
    expect(publishesThroughNpm({ name: 'pnpm', version: '10.0.0' })).toBe(true);
    expect(publishesThroughNpm({ name: 'pnpm', version: '11.0.0' })).toBe(false);
    expect(publishesThroughNpm({ name: 'yarn', version: '4.9.0' })).toBe(false);
    expect(npmSupportsProvenance('9.5.0')).toBe(true);
    expect(npmSupportsProvenance('9.4.9')).toBe(false);
    expect(npmSupportsProvenance(null)).toBe(false);
    expect(npmSupportsTrustedPublishing('11.5.1')).toBe(true);
    expect(npmSupportsTrustedPublishing('11.5.0')).toBe(false);
  });
});
