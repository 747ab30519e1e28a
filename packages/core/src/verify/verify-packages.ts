import { ProvenantError } from '../errors.js';
import type { PackageReport } from '../report/types.js';
import { loadTrust, type TrustOptions } from '../trust/load-trust-options.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import {
  parseVersionSpec,
  verifyVersions,
  type VerifyRegistry,
  type VerifyVersionsDeps,
  type VerifyVersionsOptions,
  type VersionSpec,
} from './verify-versions.js';

export interface VerifyOptions extends VerifyVersionsOptions {
  trust: TrustOptions;
}

export interface VerifyDeps extends Omit<VerifyVersionsDeps, 'trust'> {
  client: VerifyRegistry;
  /** Already-built trust material; otherwise built from `options.trust`. */
  trust?: VerificationTrust;
}

/**
 * The one call behind `provenant verify` and `release`'s verification step:
 * parse the specs, build the trust material, verify every version.
 * Throws ProvenantError only for run-level problems (a malformed spec,
 * unusable trust material); per-version outcomes are in the reports.
 */
export async function verifyPackages(
  specs: readonly (string | VersionSpec)[],
  options: VerifyOptions,
  deps: VerifyDeps,
): Promise<PackageReport[]> {
  const parsed = specs.map((spec) => {
    if (typeof spec !== 'string') return spec;
    const result = parseVersionSpec(spec);
    if (!result) {
      throw new ProvenantError('INVALID_SPEC', `Not a package spec: ${JSON.stringify(spec)}`, {
        hint: 'Write name@version, e.g. @scope/pkg@1.2.3.',
      });
    }
    return result;
  });
  const trust = deps.trust ?? (await loadTrust(options.trust, { client: deps.client }));
  return verifyVersions(parsed, options, { ...deps, trust });
}
