import semver from 'semver';
import type { ProvenanceVia, PublisherName } from '../report/types.js';
import { SWITCH_ENV, generationOf, type SwitchId } from './support-matrix.js';

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
  /** changesets only: the tool it runs (npm; pnpm with a pnpm lockfile / packageManager; yarn berry under changesets 3). */
  delegate?: { name: 'npm' | 'pnpm' | 'yarn'; version: string | null } | null;
}

const atLeast = (version: string | null | undefined, min: string): boolean => {
  const v = version ? semver.coerce(version, { includePrerelease: false }) : null;
  return v !== null && semver.gte(v, min);
};

/** What changesets can pass on to its child: never a CLI flag, nor an `.npmrc` the child may not read from the package folder. */
const CHANGESETS_PASSES: readonly SwitchId[] = [
  'npm-env',
  'pnpm-env',
  'yarn-env',
  'publish-config',
  'yarnrc',
];

/**
 * The switches (support-matrix ids) a publisher version really honours, as
 * measured (RIG.md). changesets honours what its child does, minus the flag.
 */
export function honouredSwitches(publisher: PublisherVersion): SwitchId[] {
  const own = generationOf(publisher.name, publisher.version).generation;
  if (publisher.name !== 'changesets') return [...own.honours];
  const delegate = publisher.delegate ?? { name: 'npm', version: null };
  // an npm too old for provenance is NPM_TOO_OLD's finding, not a missing switch
  const child = generationOf(
    delegate.name,
    delegate.name === 'npm' && !npmSupportsProvenance(delegate.version)
      ? NPM_PROVENANCE_MIN
      : delegate.version,
  ).generation;
  return child.honours.filter((s) => own.honours.includes(s) && CHANGESETS_PASSES.includes(s));
}

/**
 * Switches the version that reads them accepts and silently ignores
 * (measured): for changesets, those of the tool it runs.
 */
export function ignoredSwitches(publisher: PublisherVersion): SwitchId[] {
  if (publisher.name !== 'changesets')
    return [...generationOf(publisher.name, publisher.version).generation.ignores];
  const delegate = publisher.delegate ?? { name: 'npm', version: null };
  return [...generationOf(delegate.name, delegate.version).generation.ignores];
}

/**
 * The `--provenance-via` choices a publisher version honours, best first:
 * the environment and the flag change no file; the npmrc/yarnrc edit
 * changes one; publishConfig changes every manifest. pnpm puts the flag
 * first: Provenant runs it once per package, where every pnpm honours it.
 */
export function provenanceSwitches(publisher: PublisherVersion): ProvenanceVia[] {
  const honoured = honouredSwitches(publisher);
  const has = (...ids: SwitchId[]) => ids.some((id) => honoured.includes(id));
  const out: ProvenanceVia[] = [];
  if (publisher.name === 'pnpm' && has('flag')) out.push('flag');
  if (has('npm-env', 'pnpm-env', 'yarn-env')) out.push('env');
  if (publisher.name !== 'pnpm' && has('flag')) out.push('flag');
  if (has('npmrc')) out.push('npmrc');
  if (has('yarnrc')) out.push('yarnrc');
  if (has('publish-config')) out.push('publish-config');
  return out;
}

/**
 * The environment variables that turn provenance on (for `env`). pnpm and
 * changesets get every variable any of their generations reads, so the
 * switch holds whichever version really runs.
 */
export function provenanceEnvVariables(publisher: PublisherVersion): Record<string, string> {
  const ids: SwitchId[] =
    publisher.name === 'pnpm'
      ? ['npm-env', 'pnpm-env']
      : publisher.name === 'changesets'
        ? publisher.delegate?.name === 'yarn'
          ? ['yarn-env']
          : publisher.delegate?.name === 'pnpm'
            ? ['npm-env', 'pnpm-env']
            : ['npm-env']
        : honouredSwitches(publisher).filter((id) => SWITCH_ENV[id] !== undefined);
  const env: Record<string, string> = {};
  for (const id of ids) {
    const name = SWITCH_ENV[id];
    if (name) env[name] = 'true';
  }
  return env;
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
      return generationOf('pnpm', publisher.version).generation.oidc === 'through-npm';
    case 'yarn':
      return false;
    case 'changesets': {
      const delegate = publisher.delegate ?? { name: 'npm', version: null };
      if (delegate.name === 'npm') return true;
      return (
        delegate.name === 'pnpm' && generationOf('pnpm', delegate.version).generation.oidc === 'through-npm'
      );
    }
  }
}

export function npmSupportsProvenance(npmVersion: string | null): boolean {
  return atLeast(npmVersion, NPM_PROVENANCE_MIN);
}

export function npmSupportsTrustedPublishing(npmVersion: string | null): boolean {
  return atLeast(npmVersion, NPM_TRUSTED_PUBLISHING_MIN);
}
