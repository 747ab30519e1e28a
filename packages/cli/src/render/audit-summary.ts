import { auditCounts, type PackageReport, type Report } from '@provenant/core';
import { painter } from '../output.js';
import { renderReport } from './terminal.js';

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

/**
 * `provenant audit`'s terminal output: `npm audit signatures`' own count
 * lines first, then only the dependencies with something to say (problems
 * above info), then the usual totals.
 */
export function renderAudit(report: Report, color: boolean): string {
  const p = painter(color);
  const c = auditCounts(report.packages);
  const out: string[] = [];
  out.push(`audited ${c.audited} ${plural(c.audited, 'package', 'packages')}`, '');
  if (c.verifiedSignatures) {
    out.push(
      `${c.verifiedSignatures} ${plural(c.verifiedSignatures, 'package has a verified registry signature', 'packages have verified registry signatures')}`,
      '',
    );
  }
  if (c.verifiedAttestations) {
    out.push(
      `${c.verifiedAttestations} ${plural(c.verifiedAttestations, 'package has a verified attestation', 'packages have verified attestations')}`,
      '',
    );
  }
  const list = (title: string, pkgs: PackageReport[]) => {
    if (pkgs.length === 0) return;
    out.push(p.red(title), '', ...pkgs.map((x) => `${x.name}@${x.version}`), '');
  };
  list(
    `${c.missingSignatures.length} ${plural(c.missingSignatures.length, 'package has a missing registry signature', 'packages have missing registry signatures')} but the registry is providing signing keys:`,
    c.missingSignatures,
  );
  list(
    `${c.invalidSignatures.length} ${plural(c.invalidSignatures.length, 'package has an invalid registry signature', 'packages have invalid registry signatures')}:`,
    c.invalidSignatures,
  );
  list(
    `${c.invalidAttestations.length} ${plural(c.invalidAttestations.length, 'package has an invalid attestation', 'packages have invalid attestations')}:`,
    c.invalidAttestations,
  );
  const noteworthy = report.packages.filter((x) => x.problems.some((q) => q.severity !== 'info'));
  const skipped = report.packages.length - c.audited;
  // Publisher and provenance switch are about releasing: not an audit's business.
  const details = renderReport({ ...report, packages: noteworthy }, color)
    .split('\n')
    .filter((line) => !/^ {2}(publisher|provenance) {2}/.test(line));
  // The generic report minus its "Packages" total line: the audit's own totals follow.
  out.push(...details.slice(0, -1));
  const s = report.summary;
  out.push(
    p.bold(
      `${s.verified} verified, ${s.unverified} unverified, ${skipped} skipped (of ${s.total} dependencies)`,
    ),
  );
  return out.join('\n');
}
