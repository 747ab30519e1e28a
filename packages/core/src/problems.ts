/**
 * The stable problem codes of SPEC §4. Codes are public identifiers: add new
 * ones freely, never rename or remove one.
 */
export const PROBLEM_CODES = [
  // environment
  'CI_NOT_DETECTED',
  'CI_UNSUPPORTED',
  'ID_TOKEN_PERMISSION_MISSING',
  'RUNNER_NOT_GITHUB_HOSTED',
  'GITLAB_SIGSTORE_TOKEN_MISSING',
  'NPM_TOO_OLD',
  'PUBLISHER_NO_PROVENANCE',
  'PUBLISHER_NOT_FOUND',
  'REGISTRY_NO_PROVENANCE',
  'AUTH_MISSING',
  'REGISTRY_UNREACHABLE',
  'REGISTRY_BAD_RESPONSE',
  'NO_PACKAGES',
  // package (check)
  'PRIVATE',
  'ALREADY_PUBLISHED',
  'INVALID_MANIFEST',
  'REPOSITORY_MISSING',
  'REPOSITORY_MISMATCH',
  'REPOSITORY_DIRECTORY_MISMATCH',
  'ACCESS_NOT_PUBLIC',
  'PROVENANCE_DISABLED',
  'CUSTOM_REGISTRY',
  'DEPENDENCY_BLOCKED',
  'DEPENDENCY_CYCLE',
  // trusted publishing (SPEC §7)
  'OIDC_UNAVAILABLE',
  'TRUSTED_PUBLISHER_MISMATCH',
  'FIRST_PUBLISH_NEEDS_TOKEN',
  'OIDC_TOKEN_REJECTED',
  'REUSABLE_WORKFLOW', // warning
  'STATIC_TOKEN_FALLBACK', // warning
  'PLACEHOLDER_TOKEN',
  'TRUSTED_PUBLISHING_BYPASSED',
  'TOKEN_NOT_ALLOWED',
  'TOKEN_EXPIRED',
  'OIDC_NOT_SUPPORTED', // the registry does not implement the token exchange
  'OIDC_EXCHANGE_FAILED', // the exchange answered something unusable (HTML, 5xx, no token)
  'OIDC_ID_TOKEN_INVALID', // the CI's id token is not a JWT with the claims npm needs
  'OIDC_TOKEN_NO_EXPIRY', // warning: the exchanged token carries no expiry
  'PRIVATE_REPOSITORY', // warning: npm gives no automatic provenance, and refuses it from private repositories
  'TRUSTED_PUBLISHER_MISSING', // verify --expect-trusted-publisher: no _npmUser.trustedPublisher
  // publish
  'PUBLISH_FAILED',
  'RATE_LIMITED',
  'PUBLISHED_CONTENT_DIFFERS',
  'OTP_REQUIRED',
  'GIT_TAG_FAILED', // warning: a git tag for a published version could not be created (the publish stands)
  // publishers (the support matrix, publish/support-matrix.ts)
  'PROVENANCE_SWITCH_IGNORED', // warning: the user's own switch is one the detected publisher version ignores
  'PUBLISHER_UNSUPPORTED_VERSION', // warning: outside every known range; the nearest generation is assumed
  'PUBLISHER_NODE_TOO_OLD', // the Node the publisher runs on is older than it needs (warning when it still runs)
  'PACKAGE_MANAGER_MISMATCH', // warning: packageManager names a version that is not the one running
  'CHANGESETS_NO_LOCKFILE', // changesets 3 would see no workspace (npm workspace without package-lock.json)
  'NOT_ATTEMPTED', // the publisher stopped before this package
  // verify
  'VERSION_NOT_FOUND',
  'ATTESTATIONS_MISSING',
  'PROVENANCE_MISSING',
  'PUBLISH_ATTESTATION_MISSING',
  'SIGNATURE_INVALID',
  'PREDICATE_TYPE_MISMATCH',
  'SUBJECT_MISMATCH',
  'DIGEST_MISMATCH',
  'IDENTITY_MISMATCH',
  'KEY_UNKNOWN',
  'KEY_EXPIRED',
  'REGISTRY_SIGNATURE_MISSING',
  'REGISTRY_SIGNATURE_INVALID',
  'TARBALL_INTEGRITY_MISMATCH',
  'ATTESTATIONS_INVALID',
  'TRUST_MATERIAL_INVALID',
  'IDENTITY_NOT_PINNED', // warning: no expected repository (flag, CI or repository.url) to check the signer against
  // audit (SPEC §8)
  'LOCKFILE_INVALID',
  'LOCKFILE_INTEGRITY_MISMATCH',
  'PROVENANCE_REGRESSED',
  'POLICY_VIOLATION',
  'POLICY_INVALID',
  'DEPENDENCY_SKIPPED',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  message: string;
  hint: string | null;
}

export function problem(
  code: ProblemCode,
  severity: Severity,
  message: string,
  hint: string | null = null,
): Problem {
  return { code, severity, message, hint };
}

export function hasError(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}
