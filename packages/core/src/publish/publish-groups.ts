import { problem, type Problem } from '../problems.js';
import type { PlannedTarget } from './publish-all-types.js';

/** Groups of one dist-tag (one process publishes one tag), first tag seen first. */
export function groupByTag(targets: PlannedTarget[]): PlannedTarget[][] {
  const groups = new Map<string, PlannedTarget[]>();
  for (const t of targets) {
    const key = t.tag ?? '';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return [...groups.values()];
}

/** Consecutive runs of one dist-tag, in order (a chain keeps its order across tags). */
export function consecutiveByTag(targets: PlannedTarget[]): PlannedTarget[][] {
  const groups: PlannedTarget[][] = [];
  for (const t of targets) {
    const last = groups.at(-1);
    if (last && last[0]?.tag === t.tag) last.push(t);
    else groups.push([t]);
  }
  return groups;
}

/** DEPENDENCY_BLOCKED naming what did not go out. */
export function dependencyBlocked(blockers: readonly string[]): Problem {
  return problem(
    'DEPENDENCY_BLOCKED',
    'error',
    `Not published: it depends on ${blockers.join(', ') || 'a workspace package'}, which ${blockers.length > 1 ? 'were' : 'was'} not published.`,
    'Fix the failure of that dependency first, then run release again.',
  );
}
