import { join } from 'node:path';
import type { Workspace } from '../discover/types.js';
import { problem, type Problem } from '../problems.js';
import type { DetectedPublisher } from '../publish/detect-publisher.js';
import {
  SWITCH_LABELS,
  generationOf,
  nodeSatisfies,
  type PublisherGeneration,
  type SwitchId,
} from '../publish/support-matrix.js';
import {
  honouredSwitches,
  ignoredSwitches,
  provenanceEnvVariables,
  provenanceSwitches,
} from '../publish/switches.js';

/** What the publisher rules read: the detected publisher and the user's own configuration. */
export interface PublisherRuleFacts {
  publisher: DetectedPublisher | null;
  workspace: Workspace;
  /** Names of the packages to publish (publishConfig is read from these). */
  planned: readonly string[];
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string | null;
  exists: (path: string) => boolean;
}

const isTrue = (value: string | undefined) => value !== undefined && /^(true|1)$/i.test(value.trim());
const envValue = (env: PublisherRuleFacts['env'], name: string) => env[name] ?? env[name.toLowerCase()];

/** The provenance switches the user set themselves, with where each was found. */
export function userSwitches(facts: PublisherRuleFacts): Map<SwitchId, string> {
  const { env, workspace } = facts;
  const root = workspace.root.dir;
  const found = new Map<SwitchId, string>();
  if (isTrue(envValue(env, 'NPM_CONFIG_PROVENANCE'))) found.set('npm-env', 'the environment');
  if (isTrue(envValue(env, 'PNPM_CONFIG_PROVENANCE'))) found.set('pnpm-env', 'the environment');
  if (isTrue(env.YARN_NPM_PUBLISH_PROVENANCE)) found.set('yarn-env', 'the environment');
  if (/^\s*provenance\s*=\s*true\s*$/m.test(facts.readFile(join(root, '.npmrc')) ?? ''))
    found.set('npmrc', '.npmrc');
  if (/^provenance:\s*true\s*$/m.test(facts.readFile(join(root, 'pnpm-workspace.yaml')) ?? ''))
    found.set('pnpm-workspace', 'pnpm-workspace.yaml');
  if (/^npmPublishProvenance:\s*true\s*$/m.test(facts.readFile(join(root, '.yarnrc.yml')) ?? ''))
    found.set('yarnrc', '.yarnrc.yml');
  const withPublishConfig = workspace.packages
    .filter((p) => facts.planned.includes(p.name))
    .filter((p) => {
      const pc = p.manifest.publishConfig;
      return typeof pc === 'object' && pc !== null && (pc as Record<string, unknown>).provenance === true;
    })
    .map((p) => p.name);
  if (withPublishConfig.length > 0) found.set('publish-config', withPublishConfig.join(', '));
  return found;
}

function label(publisher: DetectedPublisher): string {
  const delegate = publisher.delegate;
  return delegate
    ? `${publisher.name} ${publisher.version} (publishing with ${delegate.name} ${delegate.version ?? '?'})`
    : `${publisher.name} ${publisher.version}`;
}

/** The switch Provenant sets for this publisher, in words. */
function provenantSwitch(publisher: DetectedPublisher): string {
  const via = provenanceSwitches(publisher)[0];
  if (via === undefined) return 'none (this version cannot publish with provenance)';
  const env = Object.keys(provenanceEnvVariables(publisher)).map((k) => `${k}=true`);
  if (publisher.name === 'pnpm') return `--provenance per package plus ${env.join(' and ')}`;
  if (via === 'env') return env.join(' and ');
  return via;
}

/** PROVENANCE_SWITCH_IGNORED: a switch the user set that the detected version silently ignores. */
export function ignoredSwitchRules(facts: PublisherRuleFacts): Problem[] {
  const { publisher } = facts;
  if (publisher === null) return [];
  const honoured = honouredSwitches(publisher);
  const ignored = ignoredSwitches(publisher);
  const out: Problem[] = [];
  for (const [id, where] of userSwitches(facts)) {
    if (!ignored.includes(id)) continue;
    out.push(
      problem(
        'PROVENANCE_SWITCH_IGNORED',
        'warning',
        `${SWITCH_LABELS[id]} (in ${where}) is ignored by ${label(publisher)}: without Provenant it would publish without provenance, and exit 0.`,
        `Provenant sets ${provenantSwitch(publisher)} itself. Outside Provenant, use ${honoured.map((s) => SWITCH_LABELS[s]).join(', ') || 'a publisher that supports provenance'}.`,
      ),
    );
  }
  // yarn's own help names this one, and every yarn command then fails on the unknown setting
  if (env(facts, 'YARN_NPM_CONFIG_PROVENANCE') && usesYarn(publisher)) {
    out.push(
      problem(
        'PROVENANCE_SWITCH_IGNORED',
        'warning',
        'YARN_NPM_CONFIG_PROVENANCE is set: it is not a yarn setting (yarn --help names it wrongly), and yarn refuses to run with it.',
        'Unset YARN_NPM_CONFIG_PROVENANCE; the setting is YARN_NPM_PUBLISH_PROVENANCE=true (or npmPublishProvenance: true in .yarnrc.yml).',
      ),
    );
  }
  return out;
}

const env = (facts: PublisherRuleFacts, name: string) => facts.env[name] !== undefined;
const usesYarn = (p: DetectedPublisher) => p.name === 'yarn' || p.delegate?.name === 'yarn';

/** PUBLISHER_UNSUPPORTED_VERSION and PUBLISHER_NODE_TOO_OLD, for the publisher and changesets' child. */
export function versionRules(publisher: DetectedPublisher | null): Problem[] {
  if (publisher === null) return [];
  const out: Problem[] = [];
  const judged: { name: DetectedPublisher['name']; version: string | null }[] = [publisher];
  if (publisher.delegate) judged.push(publisher.delegate);
  for (const { name, version } of judged) {
    const { generation, known } = generationOf(name, version);
    if (version !== null && !known) {
      out.push(
        problem(
          'PUBLISHER_UNSUPPORTED_VERSION',
          'warning',
          `${name} ${version} is outside every version Provenant knows (${PUBLISHER_LABELS[name]}); it assumes ${generation.label}'s behaviour: ${describe(generation)}.`,
          `Provenant will set ${provenantSwitch(publisher)}. Check the published versions' provenance (provenant verify), or pin a known ${name} version.`,
        ),
      );
    }
  }
  const own = generationOf(publisher.name, publisher.version).generation;
  const node = publisher.node;
  if (node && node.version !== null && !nodeSatisfies(own, node.version)) {
    out.push(
      problem(
        'PUBLISHER_NODE_TOO_OLD',
        own.nodeSoft ? 'warning' : 'error',
        `${publisher.name} ${publisher.version} needs Node ${own.node ?? ''}, but it runs on Node ${node.version} (${node.bin}).`,
        `Put a Node it supports first on PATH (actions/setup-node with node-version: 22 or 24); Provenant itself runs on Node 20, 22 and 24, and starts ${publisher.name} on the \`node\` beside it or on PATH.`,
      ),
    );
  }
  return out;
}

const PUBLISHER_LABELS: Record<DetectedPublisher['name'], string> = {
  npm: 'npm 9.5–12',
  pnpm: 'pnpm 9–12',
  yarn: 'yarn 1–4',
  changesets: 'changesets 2–3',
};

function describe(generation: PublisherGeneration): string {
  return `${generation.publishes}; honours ${generation.honours.map((s) => SWITCH_LABELS[s]).join(', ') || 'no provenance switch'}`;
}

/**
 * CHANGESETS_NO_LOCKFILE: changesets 3 finds its tool from the lockfile; an
 * npm workspace without package-lock.json is one root package to it, and
 * `changeset publish` says "No unpublished projects to publish." and exits 0.
 */
export function changesetsLockfileRules(facts: PublisherRuleFacts): Problem[] {
  const { publisher, workspace } = facts;
  if (
    publisher?.name !== 'changesets' ||
    !generationOf('changesets', publisher.version).generation.publishesTarball
  )
    return [];
  const root = workspace.root.dir;
  if (workspace.root.tool !== 'npm') return [];
  const lockfiles = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock'];
  if (lockfiles.some((f) => facts.exists(join(root, f)))) return [];
  return [
    problem(
      'CHANGESETS_NO_LOCKFILE',
      'error',
      `changesets ${publisher.version} sees no workspace without a lockfile: with no package-lock.json in ${root}, \`changeset publish\` would publish nothing and exit 0.`,
      'Run `npm install` and commit package-lock.json (or pin @changesets/cli@2).',
    ),
  ];
}

/** Every publisher rule (the support matrix's findings for this workspace). */
export function publisherRules(facts: PublisherRuleFacts): Problem[] {
  return [...versionRules(facts.publisher), ...ignoredSwitchRules(facts), ...changesetsLockfileRules(facts)];
}
