import type { PackageReport, PackageStatus, ProblemCode } from '@provenant/core';

/** The terminal's package list: what needs attention first, the uneventful rest as counts. */
export interface FoldedPackages {
  /** Rows to print, most urgent first (report order within a rank). */
  shown: PackageReport[];
  /** Counted lines for the rows left out, e.g. `{ label: 'already published', count: 149 }`. */
  folded: Array<{ label: string; count: number }>;
}

// Lower ranks print first: what failed, then what this run will do or did.
const RANK: Record<PackageStatus, number> = {
  blocked: 0,
  failed: 0,
  unverified: 0,
  ready: 1,
  published: 1,
  verified: 1,
  skipped: 2,
};

const FOLD_LABEL: Partial<Record<ProblemCode, string>> = {
  ALREADY_PUBLISHED: 'already published',
  PRIVATE: 'private',
};

/**
 * A skipped package whose problems are all `info` (already published,
 * private) needs nothing from the user: it is counted, not listed, unless
 * `verbose`. One with a warning or an error stays listed.
 */
export function foldPackages(packages: readonly PackageReport[], verbose: boolean): FoldedPackages {
  if (verbose) return { shown: [...packages], folded: [] };
  const shown: PackageReport[] = [];
  const counts = new Map<string, number>();
  for (const pkg of packages) {
    if (pkg.status === 'skipped' && pkg.problems.every((p) => p.severity === 'info')) {
      const code = pkg.problems[0]?.code;
      const label = (code && FOLD_LABEL[code]) ?? 'skipped';
      counts.set(label, (counts.get(label) ?? 0) + 1);
    } else {
      shown.push(pkg);
    }
  }
  // Array.prototype.sort is stable: report order is kept within a rank.
  shown.sort((a, b) => RANK[a.status] - RANK[b.status]);
  const folded = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  return { shown, folded };
}

/** `149 already published · 10 private — --verbose lists them`, or null when nothing was folded. */
export function foldedLine(folded: FoldedPackages['folded']): string | null {
  if (folded.length === 0) return null;
  const total = folded.reduce((n, f) => n + f.count, 0);
  return `${folded.map((f) => `${f.count} ${f.label}`).join(' · ')} — --verbose lists ${total === 1 ? 'it' : 'them'}`;
}
