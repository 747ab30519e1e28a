import semver from 'semver';
import type { PublisherName } from '../report/types.js';

/**
 * Every way a user (or Provenant) can ask a publisher for provenance. RIG.md
 * "Publisher generations" measured which generation honours which.
 */
export type SwitchId =
  /** `--provenance` on the command line, one package per process. */
  | 'flag'
  /** `--provenance` with `-r` / `-w` (several packages in one process). */
  | 'flag-recursive'
  /** `NPM_CONFIG_PROVENANCE` / `npm_config_provenance`. */
  | 'npm-env'
  /** `PNPM_CONFIG_PROVENANCE` / `pnpm_config_provenance`. */
  | 'pnpm-env'
  /** `provenance=true` in `.npmrc`. */
  | 'npmrc'
  /** `provenance: true` in `pnpm-workspace.yaml`. */
  | 'pnpm-workspace'
  /** `publishConfig.provenance` in the package's manifest. */
  | 'publish-config'
  /** `npmPublishProvenance: true` in `.yarnrc.yml`. */
  | 'yarnrc'
  /** `YARN_NPM_PUBLISH_PROVENANCE`. */
  | 'yarn-env';

/** How to write each switch for a person. */
export const SWITCH_LABELS: Readonly<Record<SwitchId, string>> = {
  flag: '`--provenance`',
  'flag-recursive': '`--provenance` with `-r`/`-w`',
  'npm-env': '`NPM_CONFIG_PROVENANCE`',
  'pnpm-env': '`PNPM_CONFIG_PROVENANCE`',
  npmrc: '`.npmrc` `provenance=true`',
  'pnpm-workspace': '`pnpm-workspace.yaml` `provenance: true`',
  'publish-config': '`publishConfig.provenance`',
  yarnrc: '`.yarnrc.yml` `npmPublishProvenance`',
  'yarn-env': '`YARN_NPM_PUBLISH_PROVENANCE`',
};

/** The environment variable behind each environment switch. */
export const SWITCH_ENV: Partial<Record<SwitchId, string>> = {
  'npm-env': 'NPM_CONFIG_PROVENANCE',
  'pnpm-env': 'PNPM_CONFIG_PROVENANCE',
  'yarn-env': 'YARN_NPM_PUBLISH_PROVENANCE',
};

/** The shape of `publish --json` on success. */
export type JsonShape =
  /** `{"<name>": {id, name, version, integrity, …}}` (npm; a lone package may print the summary bare). */
  | 'npm-keyed'
  /** One bare `{id, name, version, integrity, …}`; an array with `-r`. */
  | 'bare-object'
  /** yarn's NDJSON reporter events. */
  | 'ndjson'
  /** Text only (changesets). */
  | 'none';

/** The shape of a failure. */
export type ErrorShape =
  /** `{"error":{"code","summary","detail"}}` on stdout with `--json`, `npm error` lines on stderr. */
  | 'npm-json'
  /** `{"error":{"code","message"}}` on stdout. */
  | 'pnpm-json'
  /** `YN0000`-style lines (NDJSON events with `--json`). */
  | 'yarn-lines'
  /** The child publisher's output inside changesets' own log. */
  | 'changesets-log';

export type OidcSupport =
  /** Does the token exchange itself. */
  | 'itself'
  /** Runs npm, whose version decides. */
  | 'through-npm'
  /** Whatever the package manager it runs does. */
  | 'through-child'
  | 'never';

/** One generation of one publisher: a version range that behaves the same way. */
export interface PublisherGeneration {
  publisher: PublisherName;
  /** e.g. `pnpm 11`, for messages and the README. */
  label: string;
  /** semver range (prereleases included). */
  range: string;
  /** The Node the publisher needs (its `engines`); null: any Node Provenant runs on. */
  node: string | null;
  /** Below `node` it still runs (warns); false: it fails to start or misbehaves. */
  nodeSoft: boolean;
  /** How it publishes, in a few words. */
  publishes: string;
  /** Provenance switches it honours. */
  honours: readonly SwitchId[];
  /** Switches it accepts and silently ignores (exit 0, no provenance). */
  ignores: readonly SwitchId[];
  oidc: OidcSupport;
  /** Turns provenance on by itself under OIDC (public repository and package). */
  autoProvenanceUnderOidc: boolean;
  json: JsonShape;
  errors: ErrorShape;
  /** Can publish a tarball packed beforehand (so its integrity is known before the upload). */
  publishesTarball: boolean;
}

const NPM_SWITCHES: readonly SwitchId[] = ['flag', 'flag-recursive', 'npm-env', 'npmrc', 'publish-config'];
const PNPM_OLD_SWITCHES: readonly SwitchId[] = ['flag', 'npm-env', 'npmrc', 'publish-config'];
const PNPM_NEW_SWITCHES: readonly SwitchId[] = ['flag', 'flag-recursive', 'pnpm-env', 'pnpm-workspace'];
const YARN_SWITCHES: readonly SwitchId[] = ['flag', 'yarn-env', 'yarnrc', 'publish-config'];

/** The support matrix: measured generations (RIG.md), oldest first per publisher. */
export const PUBLISHER_GENERATIONS: readonly PublisherGeneration[] = [
  {
    publisher: 'npm',
    label: 'npm < 9.5',
    range: '<9.5.0',
    node: null,
    nodeSoft: true,
    publishes: 'libnpmpublish in process; no provenance',
    honours: [],
    ignores: [],
    oidc: 'never',
    autoProvenanceUnderOidc: false,
    json: 'npm-keyed',
    errors: 'npm-json',
    publishesTarball: true,
  },
  ...(['9.5–10', '11', '12'] as const).map((label): PublisherGeneration => ({
    publisher: 'npm',
    label: `npm ${label}`,
    range: label === '9.5–10' ? '>=9.5.0 <11' : `${label}.x`,
    // npm 12 warns on Node 20 and runs
    node: label === '12' ? '^22.22.2 || ^24.15.0 || >=26' : null,
    nodeSoft: true,
    publishes:
      label === '12'
        ? 'libnpmpublish in process; unknown CLI flags are an error (EUNKNOWNCONFIG)'
        : 'libnpmpublish in process',
    honours: NPM_SWITCHES,
    ignores: ['pnpm-env', 'pnpm-workspace', 'yarnrc', 'yarn-env'],
    oidc: label === '9.5–10' ? 'never' : 'itself',
    autoProvenanceUnderOidc: label !== '9.5–10',
    json: 'npm-keyed',
    errors: 'npm-json',
    publishesTarball: true,
  })),
  ...(['9', '10'] as const).map((major): PublisherGeneration => ({
    publisher: 'pnpm',
    label: `pnpm ${major}`,
    range: `${major}.x`,
    node: null,
    nodeSoft: true,
    publishes: 'packs, then runs `npm publish <tgz>` with the npm beside its Node',
    honours: PNPM_OLD_SWITCHES,
    ignores: ['flag-recursive', 'pnpm-env', 'pnpm-workspace'],
    oidc: 'through-npm',
    autoProvenanceUnderOidc: true,
    json: 'npm-keyed',
    errors: 'npm-json',
    publishesTarball: true,
  })),
  ...(['11', '12'] as const).map((major): PublisherGeneration => ({
    publisher: 'pnpm',
    label: `pnpm ${major}`,
    range: `${major}.x`,
    node: major === '11' ? '>=22.13' : null,
    nodeSoft: false,
    publishes:
      major === '11'
        ? 'libnpmpublish in process; reads `pnpm_config_*` only'
        : 'native binary: its own upload and Sigstore signing',
    honours: PNPM_NEW_SWITCHES,
    ignores: ['npm-env', 'npmrc', 'publish-config'],
    oidc: 'itself',
    autoProvenanceUnderOidc: true,
    json: 'bare-object',
    errors: 'pnpm-json',
    publishesTarball: true,
  })),
  {
    publisher: 'yarn',
    label: 'yarn < 4.9',
    range: '<4.9.0',
    node: null,
    nodeSoft: true,
    publishes: 'its own upload; no provenance',
    honours: [],
    ignores: ['npm-env', 'npmrc', 'pnpm-env', 'publish-config'],
    oidc: 'never',
    autoProvenanceUnderOidc: false,
    json: 'ndjson',
    errors: 'yarn-lines',
    publishesTarball: false,
  },
  {
    publisher: 'yarn',
    label: 'yarn 4.9+',
    range: '>=4.9.0 <5',
    node: null,
    nodeSoft: true,
    publishes: 'its own upload and signing (`yarn npm publish`)',
    honours: YARN_SWITCHES,
    ignores: ['npm-env', 'npmrc', 'pnpm-env'],
    oidc: 'itself',
    autoProvenanceUnderOidc: false,
    json: 'ndjson',
    errors: 'yarn-lines',
    publishesTarball: false,
  },
  {
    publisher: 'changesets',
    label: 'changesets 2',
    range: '2.x',
    node: null,
    nodeSoft: true,
    publishes: 'one `npm publish` / `pnpm publish` child per package, all at once (limit 10)',
    honours: ['npm-env', 'pnpm-env', 'publish-config'],
    ignores: [],
    oidc: 'through-child',
    autoProvenanceUnderOidc: true,
    json: 'none',
    errors: 'changesets-log',
    publishesTarball: false,
  },
  {
    publisher: 'changesets',
    label: 'changesets 3',
    range: '3.x',
    node: '^22.11.0 || ^24 || >=26',
    nodeSoft: false,
    publishes:
      'dependency-ordered chunks of `npm`/`pnpm publish` or `yarn npm publish` children; stops after the first failing chunk; `pack` then `publish --from-pack-dir`',
    honours: ['npm-env', 'pnpm-env', 'yarn-env', 'yarnrc', 'publish-config'],
    ignores: [],
    oidc: 'through-child',
    autoProvenanceUnderOidc: true,
    json: 'none',
    errors: 'changesets-log',
    publishesTarball: true,
  },
];

export interface GenerationMatch {
  generation: PublisherGeneration;
  /** false: the version is outside every known range; `generation` is the nearest one, assumed. */
  known: boolean;
}

/**
 * The generation a publisher version belongs to. A version outside every
 * known range gets the nearest generation (the newest for a newer version,
 * the oldest for an older one), marked unknown. An unreadable version gets
 * the newest generation.
 */
export function generationOf(publisher: PublisherName, version: string | null | undefined): GenerationMatch {
  const rows = PUBLISHER_GENERATIONS.filter((g) => g.publisher === publisher);
  const newest = rows[rows.length - 1] as PublisherGeneration;
  const v = version ? semver.coerce(version) : null;
  if (v === null) return { generation: newest, known: false };
  const hit = rows.find((g) => semver.satisfies(v, g.range, { includePrerelease: true }));
  if (hit) return { generation: hit, known: true };
  const older = rows.filter((g) => semver.gtr(v, g.range));
  return { generation: older[older.length - 1] ?? (rows[0] as PublisherGeneration), known: false };
}

/** Whether a Node version satisfies what the generation needs. */
export function nodeSatisfies(generation: PublisherGeneration, nodeVersion: string | null): boolean {
  if (generation.node === null || nodeVersion === null) return true;
  const v = semver.coerce(nodeVersion);
  return v === null || semver.satisfies(v, generation.node);
}
