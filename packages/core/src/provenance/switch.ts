import { join } from 'node:path';
import semver from 'semver';
import { ProvenantError } from '../errors.js';
import type { ProvenanceVia, PublisherName } from '../report/types.js';
import { setNpmrcProvenance, setPublishConfigProvenance, setYarnrcProvenance } from './edit-config.js';
import type { Journal } from './journal.js';

export type ProvenanceViaChoice = ProvenanceVia | 'auto';

export interface PublisherIdentity {
  name: PublisherName;
  version: string;
}

/** A file the switch changes, with its text before and after. */
export interface PlannedFileChange {
  /** Absolute path. */
  path: string;
  /** Posix, relative to the root (for printing). */
  relPath: string;
  before: string | null;
  after: string;
}

/** How provenance gets turned on for one release. */
export interface ProvenanceSwitch {
  via: ProvenanceVia;
  args: string[];
  env: Record<string, string>;
  files: PlannedFileChange[];
}

/**
 * The switches a publisher version really honours (RIG.md, measured), best
 * first; `auto` takes the first. The environment comes first everywhere: it
 * changes no file. pnpm 9/10 hand publishing to npm, which reads
 * `NPM_CONFIG_PROVENANCE` and `publishConfig`; pnpm 11 reads only its own
 * flag and `PNPM_CONFIG_PROVENANCE`. changesets reads `NPM_CONFIG_PROVENANCE`.
 */
export function honouredSwitches(publisher: PublisherIdentity): ProvenanceVia[] {
  const major = semver.coerce(publisher.version)?.major ?? 0;
  switch (publisher.name) {
    case 'npm':
      return ['env', 'flag', 'publish-config', 'npmrc'];
    case 'pnpm':
      return major >= 11 ? ['env', 'flag'] : ['env', 'publish-config'];
    case 'yarn':
      return ['env', 'flag', 'yarnrc', 'publish-config'];
    case 'changesets':
      return ['env', 'publish-config'];
  }
}

function provenanceEnvName(publisher: PublisherIdentity): string {
  const major = semver.coerce(publisher.version)?.major ?? 0;
  if (publisher.name === 'yarn') return 'YARN_NPM_PUBLISH_PROVENANCE';
  if (publisher.name === 'pnpm' && major >= 11) return 'PNPM_CONFIG_PROVENANCE';
  return 'NPM_CONFIG_PROVENANCE';
}

export interface SwitchInput {
  publisher: PublisherIdentity;
  via: ProvenanceViaChoice;
  root: string;
  /** Absolute folders of the packages to publish (for `publish-config`). */
  packageDirs: readonly string[];
  readFile: (path: string) => string | null;
}

/** Plans the switch: what to add to the command line and environment, and which files to edit. Pure. */
export function planProvenanceSwitch(input: SwitchInput): ProvenanceSwitch {
  const honoured = honouredSwitches(input.publisher);
  const via = input.via === 'auto' ? honoured[0] : input.via;
  if (via === undefined || !honoured.includes(via)) {
    throw new ProvenantError(
      'CONFLICTING_FLAGS',
      `${input.publisher.name} ${input.publisher.version} does not honour --provenance-via ${input.via}.`,
      { hint: `It honours: ${honoured.join(', ')}. Use --provenance-via auto to let Provenant pick.` },
    );
  }
  const sw: ProvenanceSwitch = { via, args: [], env: {}, files: [] };
  switch (via) {
    case 'flag':
      sw.args.push('--provenance');
      break;
    case 'env':
      sw.env[provenanceEnvName(input.publisher)] = 'true';
      break;
    case 'publish-config':
      for (const dir of input.packageDirs) {
        const path = join(dir, 'package.json');
        const before = input.readFile(path);
        if (before === null) continue;
        const after = setPublishConfigProvenance(before);
        if (after !== null) sw.files.push({ path, relPath: rel(input.root, path), before, after });
      }
      break;
    case 'npmrc':
    case 'yarnrc': {
      const path = join(input.root, via === 'npmrc' ? '.npmrc' : '.yarnrc.yml');
      const before = input.readFile(path);
      const after = via === 'npmrc' ? setNpmrcProvenance(before) : setYarnrcProvenance(before);
      if (after !== null) sw.files.push({ path, relPath: rel(input.root, path), before, after });
      break;
    }
  }
  return sw;
}

function rel(root: string, path: string): string {
  const r = path.startsWith(root) ? path.slice(root.length).replace(/^[\\/]+/, '') : path;
  return r.split('\\').join('/');
}

/** Makes the planned file changes, each journaled before it is written. */
export function applyProvenanceSwitch(sw: ProvenanceSwitch, journal: Journal): void {
  for (const change of sw.files) journal.write(change.path, change.after);
}
