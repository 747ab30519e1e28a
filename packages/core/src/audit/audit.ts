import pLimit from 'p-limit';
import { createMatcher } from '../discover/glob.js';
import { isProvenantError, messageOf } from '../errors.js';
import { hasError, problem, type Problem } from '../problems.js';
import type { Packument } from '../registry/packument.js';
import type { PackageReport } from '../report/types.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import type { VersionInput, VersionVerification } from '../verify/types.js';
import type { VerifyRegistry } from '../verify/verify-versions.js';
import { AuditCache, type VersionFacts } from './cache.js';
import { fetchFacts } from './fetch-facts.js';
import { compilePolicy, judgeVersion } from './judge.js';
import type { LockedPackage, Lockfile, SkippedDependency } from './lockfile/types.js';
import type { AuditPolicy } from './policy.js';

export interface AuditOptions {
  policy: AuditPolicy;
  /** `--omit dev` / `--prod`. */
  omitDev?: boolean;
  /** `--filter` globs on package names (`!glob` excludes). */
  filters?: readonly string[];
  /** Versions verified at once. */
  concurrency?: number;
}

export interface AuditDeps {
  /** The registry a package name is fetched from (its scope's registry, else the default). */
  registryFor(name: string): string;
  clientFor(registry: string): VerifyRegistry;
  trust: VerificationTrust;
  /** Where the verify engine runs (a worker pool); default: the main thread. */
  verify?: (input: VersionInput) => Promise<VersionVerification>;
  cache?: AuditCache | null;
  onResult?: (report: PackageReport) => void;
}

/**
 * `provenant audit`: every registry-resolved version of the lockfile through
 * the verify engine, plus the lockfile integrity, regression and policy
 * checks; skipped dependencies listed as such. One version's failure never
 * stops the others.
 */
export async function auditLockfile(
  lockfile: Lockfile,
  options: AuditOptions,
  deps: AuditDeps,
): Promise<PackageReport[]> {
  const selected = createMatcher(options.filters ?? []);
  const keep = (p: { name: string; dev: boolean }) => selected(p.name) && !(options.omitDev && p.dev);
  const rules = compilePolicy(options.policy);
  const packuments = new Map<string, Promise<Packument | null>>();
  const signing = new Map<string, Promise<boolean>>();
  const limit = pLimit(Math.max(1, options.concurrency ?? 16));

  // Full packuments run to megabytes: each is dropped once the last version naming it is done.
  const uses = new Map<string, number>();
  const kept = lockfile.packages.filter(keep);
  for (const pkg of kept) uses.set(pkg.name, (uses.get(pkg.name) ?? 0) + 1);
  const release = (registry: string, name: string) => {
    const left = (uses.get(name) ?? 1) - 1;
    uses.set(name, left);
    if (left <= 0) packuments.delete(`${registry} ${name}`);
  };
  const packumentOf = (registry: string, name: string): Promise<Packument | null> => {
    const key = `${registry} ${name}`;
    let found = packuments.get(key);
    if (!found) {
      const client = deps.clientFor(registry);
      found = client.getJson(client.packumentPath(name)) as Promise<Packument | null>;
      packuments.set(key, found);
    }
    return found;
  };
  const registrySigns = (registry: string): Promise<boolean> => {
    let found = signing.get(registry);
    if (!found) {
      found = deps
        .clientFor(registry)
        .getJson('/-/npm/v1/keys')
        .then((keys) => Array.isArray((keys as { keys?: unknown } | null)?.keys))
        .catch(() => false);
      signing.set(registry, found);
    }
    return found;
  };

  const auditOne = async (pkg: LockedPackage): Promise<PackageReport> => {
    const registry = deps.registryFor(pkg.name);
    const key = AuditCache.key(registry, pkg.name, pkg.version, pkg.integrity);
    let facts: VersionFacts | undefined = deps.cache?.get(key);
    let problems: Problem[];
    try {
      if (!facts) {
        const client = deps.clientFor(registry);
        const result = await fetchFacts(
          pkg.name,
          pkg.version,
          await packumentOf(registry, pkg.name),
          client,
          deps.trust,
          deps.verify,
        );
        if (result.kind === 'missing') return report(pkg, [result.problem], null);
        facts = result.facts;
        deps.cache?.set(key, facts);
      }
      // A warm run with every signature present never asks the registry anything.
      const unsigned = facts.problems.some((p) => p.code === 'REGISTRY_SIGNATURE_MISSING');
      problems = judgeVersion(pkg, facts, unsigned && (await registrySigns(registry)), rules);
    } catch (error) {
      const code =
        isProvenantError(error) && error.code === 'REGISTRY_BAD_RESPONSE'
          ? 'REGISTRY_BAD_RESPONSE'
          : 'REGISTRY_UNREACHABLE';
      return report(
        pkg,
        [problem(code, 'error', messageOf(error), isProvenantError(error) ? error.hint : null)],
        null,
      );
    }
    return report(pkg, problems, facts.verification);
  };

  const audited = await Promise.all(
    kept.map((pkg) =>
      limit(async () => {
        const result = await auditOne(pkg).finally(() => release(deps.registryFor(pkg.name), pkg.name));
        deps.onResult?.(result);
        return result;
      }),
    ),
  );
  deps.cache?.save();
  return [...audited, ...lockfile.skipped.filter(keep).map(skippedReport)];
}

function report(
  pkg: LockedPackage,
  problems: Problem[],
  verification: PackageReport['verification'],
): PackageReport {
  return {
    name: pkg.name,
    version: pkg.version,
    dir: null,
    status: hasError(problems) ? 'unverified' : 'verified',
    problems,
    publish: null,
    verification,
  };
}

const REASONS: Record<SkippedDependency['reason'], string> = {
  file: 'a local folder or file (file:)',
  link: 'a link to a local folder (link:, or a workspace symlink)',
  workspace: 'a workspace package (workspace:)',
  git: 'a git dependency',
  tarball: 'a tarball URL that is not a registry tarball',
  patch: 'a patched package (yarn patch:)',
  bundled: 'bundled inside its parent package',
};

function skippedReport(dep: SkippedDependency): PackageReport {
  return {
    name: dep.name,
    version: dep.spec,
    dir: null,
    status: 'skipped',
    problems: [
      problem(
        'DEPENDENCY_SKIPPED',
        'info',
        `${dep.name} is ${REASONS[dep.reason]}: no registry signature or attestation to verify`,
        dep.reason === 'git' || dep.reason === 'tarball'
          ? 'Depend on a published registry version to have it verified.'
          : null,
      ),
    ],
    publish: null,
    verification: null,
  };
}
