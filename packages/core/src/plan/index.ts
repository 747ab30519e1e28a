import { createMatcher } from '../discover/glob.js';
import { ORDERING_DEPENDENCY_TYPES, type DependencyEdge, type WorkspacePackage } from '../discover/types.js';
import { problem, type Problem } from '../problems.js';
import { distTagFor } from './dist-tag.js';
import { findCycles, topologicalOrder } from './graph.js';

export { distTagFor } from './dist-tag.js';
export { findCycles, topologicalOrder, type Graph } from './graph.js';

export type SkipReason = 'private' | 'already-published';

export interface PlannedPackage {
  name: string;
  version: string;
  dir: string;
  relativeDir: string;
  action: 'publish' | 'skip';
  skip: SkipReason | null;
  /** The dist-tag `release` publishes under (also set for skipped packages, for display). */
  distTag: string;
  /** true: the registry has no version of it; false: it has some; null: unknown (registry not read). */
  firstPublish: boolean | null;
  /** Workspace packages it needs published first (dependencies, optional, peer). */
  dependsOn: string[];
}

export interface ReleasePlan {
  /** The selected packages, in publishing order. */
  packages: PlannedPackage[];
  /** Names to publish, in order. */
  order: string[];
  /** Internal edges that order publishing, among all workspace packages. */
  edges: DependencyEdge[];
  /** Workspace packages left out by `--filter`. */
  excluded: string[];
  cycles: string[][];
  /** DEPENDENCY_CYCLE warnings, one per cycle. */
  problems: Problem[];
}

export interface PlanOptions {
  /** `--filter` globs on names; `!glob` excludes. */
  filter?: readonly string[];
  /** `--tag`: overrides every dist-tag. */
  tag?: string | null;
}

/**
 * Versions already on the registry, by package name. A missing entry or
 * `null` means unknown (the registry could not be read): such a package is
 * planned as if unpublished, with `firstPublish: null`.
 */
export type PublishedVersions = ReadonlyMap<string, readonly string[] | null>;

/** Pure: which packages to publish, in which order, under which dist-tag. */
export function planRelease(
  packages: readonly WorkspacePackage[],
  published: PublishedVersions,
  options: PlanOptions = {},
): ReleasePlan {
  const names = new Set(packages.map((p) => p.name));
  const edges = packages.flatMap((p) =>
    p.dependencies.filter((e) => ORDERING_DEPENDENCY_TYPES.has(e.type) && names.has(e.to)),
  );
  const dependsOn = new Map<string, string[]>(packages.map((p) => [p.name, []]));
  for (const edge of edges) {
    const list = dependsOn.get(edge.from)!;
    if (!list.includes(edge.to)) list.push(edge.to);
  }
  for (const list of dependsOn.values()) list.sort();
  const graph = { nodes: packages.map((p) => p.name), dependsOn };
  const rank = new Map(topologicalOrder(graph).map((name, i) => [name, i]));
  const cycles = findCycles(graph);

  const selected = createMatcher(options.filter ?? []);
  const byName = new Map(packages.map((p) => [p.name, p]));
  const planned: PlannedPackage[] = [];
  const excluded: string[] = [];
  for (const name of [...rank.keys()]) {
    const pkg = byName.get(name)!;
    if (!selected(name)) {
      excluded.push(name);
      continue;
    }
    const versions = published.get(name) ?? null;
    const alreadyPublished = versions !== null && versions.includes(pkg.version);
    const skip: SkipReason | null = pkg.private ? 'private' : alreadyPublished ? 'already-published' : null;
    const publishConfig = pkg.manifest.publishConfig as { tag?: unknown } | undefined;
    planned.push({
      name,
      version: pkg.version,
      dir: pkg.dir,
      relativeDir: pkg.relativeDir,
      action: skip ? 'skip' : 'publish',
      skip,
      distTag: distTagFor(pkg.version, { tag: options.tag ?? null, publishConfigTag: publishConfig?.tag }),
      firstPublish: versions === null ? null : versions.length === 0,
      dependsOn: dependsOn.get(name) ?? [],
    });
  }

  return {
    packages: planned,
    order: planned.filter((p) => p.action === 'publish').map((p) => p.name),
    edges,
    excluded: excluded.sort(),
    cycles,
    problems: cycles.map((cycle) =>
      problem(
        'DEPENDENCY_CYCLE',
        'warning',
        `Workspace packages depend on each other in a cycle (${cycle.join(', ')}). They are published in a fixed order (${cycle
          .slice()
          .sort((a, b) => rank.get(a)! - rank.get(b)!)
          .join(', ')}), so one of them briefly points at a version that is not yet published.`,
        'Break the cycle by moving one of these into devDependencies, or by merging the packages.',
      ),
    ),
  };
}
