/**
 * One error class for everything Provenant reports as a failure of the whole
 * run (usage, configuration, an unusable workspace). Per-package outcomes are
 * `Problem`s in the report, not exceptions.
 */
export const ERROR_CODES = [
  'USAGE',
  'UNKNOWN_FLAG',
  'INVALID_FLAG_VALUE',
  'CONFLICTING_FLAGS',
  'INVALID_SPEC',
  'NO_WORKSPACE',
  'INVALID_MANIFEST',
  'DUPLICATE_PACKAGE',
  'INVALID_REGISTRY_URL',
  'REGISTRY_UNREACHABLE',
  'REGISTRY_BAD_RESPONSE',
  'PUBLISHER_NOT_FOUND',
  'TRUST_MATERIAL_INVALID',
  'JOURNAL_INVALID',
  'RELEASE_IN_PROGRESS',
  'LOCKFILE_INVALID',
  'POLICY_INVALID',
  'INTERRUPTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Exit code 2 for usage/configuration errors, per SPEC §2. */
const USAGE_CODES: ReadonlySet<ErrorCode> = new Set([
  'USAGE',
  'UNKNOWN_FLAG',
  'INVALID_FLAG_VALUE',
  'CONFLICTING_FLAGS',
  'INVALID_SPEC',
  'NO_WORKSPACE',
  'INVALID_MANIFEST',
  'DUPLICATE_PACKAGE',
  'INVALID_REGISTRY_URL',
  'PUBLISHER_NOT_FOUND',
  'TRUST_MATERIAL_INVALID',
  'JOURNAL_INVALID',
  'RELEASE_IN_PROGRESS',
  'LOCKFILE_INVALID',
  'POLICY_INVALID',
]);

export class ProvenantError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | null;

  constructor(code: ErrorCode, message: string, options: { hint?: string | null; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProvenantError';
    this.code = code;
    this.hint = options.hint ?? null;
  }

  get exitCode(): number {
    if (this.code === 'INTERRUPTED') return 130;
    return USAGE_CODES.has(this.code) ? 2 : 1;
  }
}

export function isProvenantError(value: unknown): value is ProvenantError {
  return value instanceof ProvenantError;
}

/** The message of anything thrown, without assuming it is an Error. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
