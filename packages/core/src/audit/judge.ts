import semver from 'semver';
import { createMatcher } from '../discover/glob.js';
import { problem, type Problem } from '../problems.js';
import { checkIdentity } from '../verify/identity.js';
import type { VersionFacts } from './cache.js';
import { sameIntegrity } from './integrity.js';
import type { LockedPackage } from './lockfile/types.js';
import { splitAllowSpec, type AuditPolicy } from './policy.js';

/** The policy, compiled once per run. */
export interface CompiledPolicy {
  policy: AuditPolicy;
  pinFor(name: string): { pattern: string; repository?: string; workflow?: string } | null;
  requiresProvenance(name: string): boolean;
  /** The reason a missing provenance is accepted for name@version, or null. */
  allowedMissing(name: string, version: string): string | null;
}

export function compilePolicy(policy: AuditPolicy): CompiledPolicy {
  const pins = Object.entries(policy.expect).map(([pattern, pin]) => ({
    pattern,
    ...pin,
    matches: createMatcher([pattern]),
  }));
  const required =
    policy.requireProvenance.length > 0 ? createMatcher(policy.requireProvenance) : () => false;
  const allows = Object.entries(policy.allowMissing).map(([spec, reason]) => ({
    ...splitAllowSpec(spec)!,
    reason,
  }));
  return {
    policy,
    pinFor: (name) => pins.find((p) => p.matches(name)) ?? null,
    requiresProvenance: required,
    allowedMissing: (name, version) =>
      allows.find(
        (a) =>
          createMatcher([a.name])(name) && semver.satisfies(version, a.range, { includePrerelease: true }),
      )?.reason ?? null,
  };
}

/**
 * The audit's own checks on top of the verify engine's facts: a missing
 * registry signature is an error on a registry that signs (as `npm audit
 * signatures` has it), the lockfile's integrity must be the registry's, the
 * signer must be who the policy (else the manifest's repository) names, and
 * provenance must not be missing where required, nor lost (regression).
 */
export function judgeVersion(
  pkg: LockedPackage,
  facts: VersionFacts,
  /** Whether the registry publishes signing keys; asked only when a signature is missing. */
  registrySigns: boolean,
  rules: CompiledPolicy,
): Problem[] {
  const out: Problem[] = facts.problems.map((p) =>
    p.code === 'REGISTRY_SIGNATURE_MISSING' && registrySigns
      ? {
          ...p,
          severity: 'error',
          hint: 'The registry publishes signing keys, yet this version carries no signature: it may not come from that registry.',
        }
      : p,
  );
  const id = `${pkg.name}@${pkg.version}`;
  if (
    pkg.integrity &&
    facts.registryIntegrity &&
    sameIntegrity(pkg.integrity, facts.registryIntegrity) === false
  ) {
    out.push(
      problem(
        'LOCKFILE_INTEGRITY_MISMATCH',
        'error',
        `${id}: the lockfile's integrity ${pkg.integrity.slice(0, 24)}… is not the registry's ${facts.registryIntegrity.slice(0, 24)}…`,
        'Someone changed the lockfile or the registry serves other bytes: do not install; regenerate the entry from a trusted registry and review the diff.',
      ),
    );
  }
  const identity = facts.verification.identity;
  const pin = rules.pinFor(pkg.name);
  const hasProvenance = facts.verification.provenance === 'verified';
  const allowed = rules.allowedMissing(pkg.name, pkg.version);
  if (identity) {
    const expectRepository = pin?.repository ?? facts.manifestRepository;
    const mismatches = checkIdentity(
      { ...identity, subjectAlternativeName: null },
      { expectRepository, expectWorkflow: pin?.workflow },
    ).filter((p) => !out.some((q) => q.code === p.code && q.message === p.message));
    out.push(...mismatches);
  }
  const source = rules.policy.source ?? 'the policy';
  if (!hasProvenance && allowed === null && facts.verification.provenance !== 'invalid') {
    if (pin) {
      out.push(
        problem(
          'POLICY_VIOLATION',
          'error',
          `${id} has no provenance, but ${source} pins "${pin.pattern}" to ${pin.repository ?? pin.workflow ?? 'a builder'}`,
          `Add "${pkg.name}@${pkg.version}": "<reason>" to audit.allowMissing if this version is accepted.`,
        ),
      );
    } else if (rules.requiresProvenance(pkg.name)) {
      out.push(
        problem(
          'POLICY_VIOLATION',
          'error',
          `${id} has no provenance, which ${source} requires (audit.requireProvenance)`,
          `Add "${pkg.name}@${pkg.version}": "<reason>" to audit.allowMissing if this version is accepted.`,
        ),
      );
    }
  }
  const regression = facts.regression;
  if (regression) {
    const { earlier, current } = regression;
    const by = (who: string | null) => (who ? ` by ${who}` : '');
    out.push(
      problem(
        'PROVENANCE_REGRESSED',
        allowed !== null ? 'info' : rules.policy.regression === 'error' ? 'error' : 'warning',
        `${pkg.name}@${current.version} (published ${current.publishedAt}${by(current.publisher)}) has no provenance and no trusted publisher, but ${earlier.version} (published ${earlier.publishedAt}${by(earlier.publisher)}) had ${earlier.how}${allowed !== null ? `; allowed: ${allowed}` : ''}`,
        allowed !== null
          ? null
          : `A version published without the usual CI provenance is what a stolen token looks like: check ${pkg.name}'s release before installing, then pin the last version with provenance or allow this one in audit.allowMissing with a reason.`,
      ),
    );
  }
  return out;
}
