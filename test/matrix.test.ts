// The e2e release matrix (issue 10): for each publisher generation, a full `provenant release`
// (the built CLI) of a small monorepo with provenance, every version verified; one failing
// package blocks only its dependents; a re-run completes it; a third run publishes nothing.
// CI runs the subset that covers every generation once; PROVENANT_FULL_MATRIX=1 runs all cells.
import { describe, expect, it } from 'vitest';
import { prepareCell, releaseCell, selectedCells, type PreparedCell } from './helpers/matrix.js';
import { codes, packument, reportOf, statuses, storedTarballs, useRig } from './helpers/rig.js';
import type { CliResult } from './helpers/run-cli.js';

// Install plus three releases, each through a real publisher: minutes on a loaded 2-core machine.
const CELL_TIMEOUT_MS = 360_000;

const rig = useRig();

/** What a failed expectation shows: statuses and each package's problem codes and messages. */
function explain(result: CliResult): string {
  const report = reportOf(result);
  const problems = (report?.packages ?? []).map((p) => ({
    name: p.name,
    status: p.status,
    problems: p.problems.map((q) => `${q.code}: ${q.message}`),
  }));
  return (
    JSON.stringify(
      { code: result.code, error: report?.error, environment: report?.environment, problems },
      null,
      1,
    ) + `\nstderr: ${result.stderr.slice(-3000)}`
  );
}

/** A publisher that cannot sign here: every root fails, its dependents are blocked, nothing is published. */
async function expectSafeSigningFailure(prepared: PreparedCell): Promise<void> {
  const names = ['a', 'b', 'c', 'd'].map((n) => `${prepared.scope}/${n}`);
  const [a, b, c, d] = names as [string, string, string, string];
  const result = await releaseCell(rig, prepared);
  expect(reportOf(result)?.environment.publisher?.version, explain(result)).toBe(prepared.publisherVersion);
  expect(statuses(result), explain(result)).toEqual({
    [a]: 'failed',
    [b]: 'blocked',
    [c]: 'blocked',
    [d]: 'failed',
  });
  expect(codes(result, a).length, explain(result)).toBeGreaterThan(0);
  expect(codes(result, b)).toContain('DEPENDENCY_BLOCKED');
  expect(result.code).toBe(1);
  for (const name of names) expect(await packument(rig, name), name).toBeNull();
}

describe('release matrix', () => {
  for (const cell of selectedCells()) {
    it(
      `${cell.id}: ${cell.tools.join(' + ')}${cell.provenantNode ? ` (Provenant on Node ${cell.provenantNode})` : ''}: provenance on every version, failures block only dependents, re-runs publish nothing`,
      async () => {
        const prepared = await prepareCell(rig, cell);
        if (cell.signsOffline === false) return expectSafeSigningFailure(prepared);
        const { scope } = prepared;
        const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => `${scope}/${n}`) as [
          string,
          string,
          string,
          string,
        ];

        // 1. b fails: a and d go out verified, c (needs b) is blocked and never published —
        // except under a publisher that runs everything at once in no order (changesets 2).
        const first = await releaseCell(rig, prepared, { FAIL_PUBLISH: '1' });
        expect(reportOf(first)?.environment.publisher?.name, explain(first)).toBe(cell.publisher);
        expect(reportOf(first)?.environment.publisher?.version, explain(first)).toBe(
          prepared.publisherVersion,
        );
        expect(statuses(first), explain(first)).toEqual({
          [a]: 'verified',
          [b]: 'failed',
          [c]: cell.unordered ? 'verified' : 'blocked',
          [d]: 'verified',
        });
        expect(codes(first, b), explain(first)).toContain('PUBLISH_FAILED');
        expect(first.code).toBe(1);
        if (!cell.unordered) {
          expect(codes(first, c), explain(first)).toContain('DEPENDENCY_BLOCKED');
          expect(await packument(rig, c)).toBeNull();
        }

        // 2. the re-run publishes what is left (b, and c unless it went out), skips the rest.
        const second = await releaseCell(rig, prepared);
        expect(statuses(second), explain(second)).toEqual({
          [a]: 'skipped',
          [b]: 'verified',
          [c]: cell.unordered ? 'skipped' : 'verified',
          [d]: 'skipped',
        });
        expect(second.code, explain(second)).toBe(0);

        // every version carries provenance that verified, with the integrity the registry holds
        for (const pkg of [...(reportOf(first)?.packages ?? []), ...(reportOf(second)?.packages ?? [])]) {
          if (pkg.status !== 'verified') continue;
          expect(pkg.verification?.provenance, pkg.name).toBe('verified');
          const served = (await packument(rig, pkg.name))?.versions?.['1.0.0']?.dist;
          expect(served?.attestations, pkg.name).toBeTruthy();
          expect(pkg.publish?.integrity, pkg.name).toBe(served?.integrity);
        }

        // 3. a third run publishes nothing.
        const third = await releaseCell(rig, prepared);
        expect(third.code, explain(third)).toBe(0);
        expect(statuses(third), explain(third)).toEqual({
          [a]: 'skipped',
          [b]: 'skipped',
          [c]: 'skipped',
          [d]: 'skipped',
        });
        for (const name of [a, b, c, d]) {
          expect(codes(third, name)).toEqual(['ALREADY_PUBLISHED']);
          expect(storedTarballs(rig, name)).toHaveLength(1);
        }
      },
      CELL_TIMEOUT_MS,
    );
  }
});
