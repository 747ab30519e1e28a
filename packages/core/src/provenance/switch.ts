import { join } from 'node:path';
import { ProvenantError } from '../errors.js';
import { provenanceEnvVariables, provenanceSwitches, type PublisherVersion } from '../publish/switches.js';
import type { ProvenanceVia } from '../report/types.js';
import { setNpmrcProvenance, setPublishConfigProvenance, setYarnrcProvenance } from './edit-config.js';
import type { Journal } from './journal.js';

export type ProvenanceViaChoice = ProvenanceVia | 'auto';

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

export interface SwitchInput {
  publisher: PublisherVersion;
  via: ProvenanceViaChoice;
  root: string;
  /** Absolute folders of the packages to publish (for `publish-config`). */
  packageDirs: readonly string[];
  readFile: (path: string) => string | null;
}

/** Plans the switch: what to add to the command line and environment, and which files to edit. Pure. */
export function planProvenanceSwitch(input: SwitchInput): ProvenanceSwitch {
  // Which switches each publisher version honours is measured knowledge kept in publish/switches.ts.
  const honoured = provenanceSwitches(input.publisher);
  const via = input.via === 'auto' ? honoured[0] : input.via;
  if (via === undefined || !honoured.includes(via)) {
    throw new ProvenantError(
      'CONFLICTING_FLAGS',
      honoured.length === 0
        ? `${input.publisher.name} ${input.publisher.version} cannot publish with provenance.`
        : `${input.publisher.name} ${input.publisher.version} does not honour --provenance-via ${input.via}.`,
      {
        hint:
          honoured.length === 0
            ? 'Upgrade the publisher (npm ≥ 9.5, yarn berry ≥ 4.9) or choose another --publisher.'
            : `It honours: ${honoured.join(', ')}. Use --provenance-via auto to let Provenant pick.`,
      },
    );
  }
  const sw: ProvenanceSwitch = { via, args: [], env: {}, files: [] };
  switch (via) {
    case 'flag':
      sw.args.push('--provenance');
      // pnpm under auto: the flag (one package per process, honoured by 9–12) plus both
      // variables (NPM_CONFIG_* for 9/10, PNPM_CONFIG_* for 11/12), whichever pnpm really runs.
      if (input.via === 'auto' && input.publisher.name === 'pnpm')
        Object.assign(sw.env, provenanceEnvVariables(input.publisher));
      break;
    case 'env':
      Object.assign(sw.env, provenanceEnvVariables(input.publisher));
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
