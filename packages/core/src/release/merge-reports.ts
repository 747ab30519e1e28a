import type { CheckResult } from '../check/index.js';
import type { PublishRecord } from '../publish/publish-all.js';
import type { PackageReport } from '../report/types.js';

/** Each checked package with what publishing and verifying made of it. */
export function mergeReports(
  check: CheckResult,
  records: ReadonlyMap<string, PublishRecord>,
  verifications: ReadonlyMap<string, PackageReport>,
): PackageReport[] {
  return check.packages.map((pkg) => {
    const record = records.get(pkg.name);
    if (!record) return pkg;
    const publish = { attempts: record.attempts, durationMs: record.durationMs, integrity: record.integrity };
    const problems = [...pkg.problems, ...record.problems];
    switch (record.state) {
      case 'published': {
        const verified = verifications.get(pkg.name);
        if (!verified) return { ...pkg, status: 'published', problems, publish };
        return {
          ...pkg,
          status: verified.status,
          problems: [...problems, ...verified.problems],
          publish,
          verification: verified.verification,
        };
      }
      case 'already-published':
        return { ...pkg, status: 'skipped', problems, publish };
      case 'failed':
        return { ...pkg, status: 'failed', problems, publish };
      case 'blocked':
      case 'cancelled':
        return { ...pkg, status: 'blocked', problems, publish: null };
    }
  });
}
