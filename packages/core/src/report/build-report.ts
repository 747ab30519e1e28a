import { readFileSync } from 'node:fs';
import { hasError } from '../problems.js';
import type { CommandName, EnvironmentReport, PackageReport, Report, ReportSummary } from './types.js';

/** The version in this package's own package.json (changesets bumps it; CLI and core share it). */
export const TOOL_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export function summarize(packages: readonly PackageReport[]): ReportSummary {
  const summary: ReportSummary = {
    total: packages.length,
    ready: 0,
    blocked: 0,
    skipped: 0,
    published: 0,
    failed: 0,
    verified: 0,
    unverified: 0,
  };
  for (const pkg of packages) summary[pkg.status] += 1;
  return summary;
}

export function buildReport(input: {
  command: CommandName;
  registry: string;
  environment: EnvironmentReport;
  packages: PackageReport[];
}): Report {
  return {
    schemaVersion: 1,
    tool: { name: 'provenant', version: TOOL_VERSION },
    command: input.command,
    registry: input.registry,
    environment: input.environment,
    packages: input.packages.map((p) => ({ ...p, auth: p.auth ?? null })),
    summary: summarize(input.packages),
  };
}

/** Exit 0 only when no package ended badly and the environment has no error. */
export function reportSucceeded(report: Report): boolean {
  if (hasError(report.environment.problems)) return false;
  return report.packages.every(
    (p) => p.status !== 'blocked' && p.status !== 'failed' && p.status !== 'unverified',
  );
}
