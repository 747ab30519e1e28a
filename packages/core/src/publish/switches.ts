import semver from 'semver';
import type { ProvenanceVia, PublisherName } from '../report/types.js';

/** npm generates provenance from 9.5.0 on. */
export const NPM_PROVENANCE_MIN = '9.5.0';
/** yarn berry honours provenance switches from 4.9.0 on. */
export const YARN_PROVENANCE_MIN = '4.9.0';
/** npm trusted publishing (OIDC token exchange, no stored token) from 11.5.1 on. */
export const NPM_TRUSTED_PUBLISHING_MIN = '11.5.1';

/** A publisher as detected: changesets names the package manager it hands publishing to. */
export interface PublisherVersion {
  name: PublisherName;
  version: string;
  /** changesets only: the tool it runs (`npm`, or `pnpm` with a pnpm lockfile / packageManager). */
  delegate?: { name: 'npm' | 'pnpm'; version: string | null } | null;
}

const atLeast = (version: string | null | undefined, min: string): boolean => {
  const v = version ? semver.coerce(version, { includePrerelease: false }) : null;
  return v !== null && semver.gte(v, min);
};
const majorOf = (version: string | null | undefined): number =>
  version ? (semver.coerce(version)?.major ?? 0) : 0;

/**
 * The provenance switches a publisher version really honours (RIG.md,
 * measured), best first: the environment and the flag change no file; the
 * npmrc/yarnrc edit changes one; publishConfig changes every manifest.
 *
 * - npm ≥ 9.5: env (`NPM_CONFIG_PROVENANCE`), flag, npmrc, publish-config.
 * - pnpm 9/10 hand each package to npm: env, npmrc, publish-config — not the
 *   flag (`pnpm -r publish --provenance` silently publishes without it).
 * - pnpm ≥ 11: env (`PNPM_CONFIG_PROVENANCE`) and flag only.
 * - yarn berry ≥ 4.9: env (`YARN_NPM_PUBLISH_PROVENANCE`), flag, yarnrc
 *   (`npmPublishProvenance`), publish-config. Classic and older berry: none.
 * - changesets runs npm or pnpm with the environment it is given: env, and
 *   publishConfig when its delegate reads it (not pnpm 11).
 *
 * npm older than 9.5 is not excluded here for pnpm/changesets: that is the
 * NPM_TOO_OLD rule's finding, about the npm on the machine.
 */
export function provenanceSwitches(publisher: PublisherVersion): ProvenanceVia[] {
  switch (publisher.name) {
    case 'npm':
      return atLeast(publisher.version, NPM_PROVENANCE_MIN) ? ['env', 'flag', 'npmrc', 'publish-config'] : [];
    case 'pnpm':
      return majorOf(publisher.version) >= 11 ? ['env', 'flag'] : ['env', 'npmrc', 'publish-config'];
    case 'yarn':
      return atLeast(publisher.version, YARN_PROVENANCE_MIN)
        ? ['env', 'flag', 'yarnrc', 'publish-config']
        : [];
    case 'changesets': {
      const delegate = publisher.delegate;
      if (delegate?.name === 'pnpm' && majorOf(delegate.version) >= 11) return ['env'];
      return ['env', 'publish-config'];
    }
  }
}

/** The environment variable that turns provenance on for this publisher (for `env`). */
export function provenanceEnvVariables(publisher: PublisherVersion): Record<string, string> {
  if (publisher.name === 'yarn') return { YARN_NPM_PUBLISH_PROVENANCE: 'true' };
  if (publisher.name === 'pnpm' && majorOf(publisher.version) >= 11)
    return { PNPM_CONFIG_PROVENANCE: 'true' };
  if (
    publisher.name === 'changesets' &&
    publisher.delegate?.name === 'pnpm' &&
    majorOf(publisher.delegate.version) >= 11
  ) {
    return { NPM_CONFIG_PROVENANCE: 'true', PNPM_CONFIG_PROVENANCE: 'true' };
  }
  return { NPM_CONFIG_PROVENANCE: 'true' };
}

/**
 * The switch `release` will use: with `auto` the best one honoured; an
 * explicit choice only when honoured. null: provenance cannot be switched on.
 */
export function chooseProvenanceVia(
  publisher: PublisherVersion,
  requested: ProvenanceVia | 'auto' = 'auto',
): ProvenanceVia | null {
  const honoured = provenanceSwitches(publisher);
  if (requested === 'auto') return honoured[0] ?? null;
  return honoured.includes(requested) ? requested : null;
}

/**
 * Whether npm's own CLI performs the upload (so npm's version decides
 * provenance support and trusted publishing): npm itself, pnpm before 11,
 * and changesets through either.
 */
export function publishesThroughNpm(publisher: PublisherVersion): boolean {
  switch (publisher.name) {
    case 'npm':
      return true;
    case 'pnpm':
      return majorOf(publisher.version) < 11;
    case 'yarn':
      return false;
    case 'changesets':
      return publisher.delegate?.name !== 'pnpm' || majorOf(publisher.delegate.version) < 11;
  }
}

export function npmSupportsProvenance(npmVersion: string | null): boolean {
  return atLeast(npmVersion, NPM_PROVENANCE_MIN);
}

export function npmSupportsTrustedPublishing(npmVersion: string | null): boolean {
  return atLeast(npmVersion, NPM_TRUSTED_PUBLISHING_MIN);
}
