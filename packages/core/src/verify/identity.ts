import { ASN1Obj } from '@sigstore/core';
import type { Signer } from '@sigstore/verify';
import { problem, type Problem } from '../problems.js';
import type { SignerIdentity, TrustedPublisher } from '../report/types.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import type { IdentityPolicy } from './types.js';

/** Fulcio certificate extensions, `1.3.6.1.4.1.57264.1.<n>`. */
const FULCIO = '1.3.6.1.4.1.57264.1.';
const OID = {
  issuerLegacy: 1,
  commitLegacy: 3,
  repositoryLegacy: 5, // `owner/repo`, certificates before March 2023
  refLegacy: 6,
  issuer: 8,
  buildSignerUri: 9,
  sourceRepositoryUri: 12,
  sourceRepositoryDigest: 13,
  sourceRepositoryRef: 14,
  buildConfigUri: 18,
  runInvocationUri: 21,
} as const;

/** Default issuer per repository host: only the CI that owns the host can vouch for it. */
const HOST_ISSUERS: Readonly<Record<string, string>> = {
  'github.com': 'https://token.actions.githubusercontent.com',
  'gitlab.com': 'https://gitlab.com',
};

export interface CertificateIdentity extends SignerIdentity {
  /** The certificate's SAN: for a reusable workflow it names the generator, not the source repository. */
  subjectAlternativeName: string | null;
}

/** Reads the identity out of a verified provenance signer. */
export function identityOf(signer: Signer, logIndex: number | null): CertificateIdentity {
  const ext = new Map<number, string>();
  for (const { oid, value } of signer.identity?.oids ?? []) {
    const id = oid?.id.join('.') ?? '';
    if (!id.startsWith(FULCIO)) continue;
    const n = Number(id.slice(FULCIO.length));
    if (Number.isInteger(n)) ext.set(n, decodeExtension(n, value));
  }
  const san = signer.identity?.subjectAlternativeName ?? null;
  const legacyRepo = ext.get(OID.repositoryLegacy);
  const repository =
    normalizeRepositoryUrl(ext.get(OID.sourceRepositoryUri)) ??
    (legacyRepo ? normalizeRepositoryUrl(`https://github.com/${legacyRepo}`) : null);
  // The workflow that ran in the source repository: the build config (.18)
  // names it even for reusable workflows; older certs only have the SAN,
  // which for a reusable workflow is the generator's: then no workflow path
  // in the source repository is known and the full URI is reported.
  const candidates = [ext.get(OID.buildConfigUri), ext.get(OID.buildSignerUri), san].filter(
    (uri): uri is string => typeof uri === 'string' && uri !== '',
  );
  const inSource = candidates.find((uri) => repository !== null && uri.startsWith(`${repository}/`));
  const workflowUri = inSource ?? (repository === null ? candidates[0] : undefined);
  const workflow = workflowUri ? splitWorkflowUri(workflowUri, repository) : null;
  const foreignWorkflow = workflow === null ? (candidates[0] ?? null) : null;
  return {
    issuer: ext.get(OID.issuer) ?? ext.get(OID.issuerLegacy) ?? signer.identity?.extensions?.issuer ?? null,
    repository,
    workflow: workflow?.path ?? foreignWorkflow,
    ref: ext.get(OID.sourceRepositoryRef) ?? ext.get(OID.refLegacy) ?? workflow?.ref ?? null,
    commit: ext.get(OID.sourceRepositoryDigest) ?? ext.get(OID.commitLegacy) ?? null,
    runUrl: ext.get(OID.runInvocationUri) ?? null,
    logIndex,
    subjectAlternativeName: san,
  };
}

/** The public Rekor search page for a transparency-log entry (for reports and summaries). */
export function logSearchUrl(logIndex: number): string {
  return `https://search.sigstore.dev/?logIndex=${logIndex}`;
}

/** The report's shape: no SAN. */
export function toSignerIdentity(identity: CertificateIdentity): SignerIdentity {
  const { subjectAlternativeName: _san, ...rest } = identity;
  return rest;
}

/** Matches the provenance identity against the policy; one problem per mismatch. */
export function checkIdentity(identity: CertificateIdentity, policy: IdentityPolicy): Problem[] {
  const problems: Problem[] = [];
  const mismatch = (what: string, expected: string, actual: string | null, hint: string | null = null) =>
    problems.push(
      problem(
        'IDENTITY_MISMATCH',
        'error',
        `Provenance ${what} is ${actual === null ? 'absent' : JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`,
        hint,
      ),
    );

  const expectedRepo = policy.expectRepository ? normalizeRepositoryUrl(policy.expectRepository) : null;
  if (policy.expectRepository && expectedRepo === null) {
    mismatch(
      'repository',
      policy.expectRepository,
      identity.repository,
      'The expected repository is not a repository URL.',
    );
  } else if (expectedRepo !== null && identity.repository !== expectedRepo) {
    mismatch(
      'source repository',
      expectedRepo,
      identity.repository,
      "The package was built from another repository; check --expect-repository and the package's repository.url.",
    );
  }

  const repoHost = hostOf(expectedRepo ?? identity.repository);
  const expectedIssuer = policy.expectIssuer ?? (repoHost ? HOST_ISSUERS[repoHost] : undefined);
  if (expectedIssuer && stripSlash(identity.issuer) !== stripSlash(expectedIssuer)) {
    mismatch('issuer', expectedIssuer, identity.issuer);
  }
  if (policy.expectWorkflow) {
    const expected = policy.expectWorkflow.replace(/^\.?\//, '');
    if (identity.workflow !== expected) mismatch('workflow', expected, identity.workflow);
  }
  if (policy.expectRef && !refMatches(identity.ref, policy.expectRef)) {
    mismatch('ref', policy.expectRef, identity.ref);
  }
  return problems;
}

/**
 * `https://github.com/o/r/.github/workflows/x.yml@refs/tags/v1` → path + ref.
 * With the repository known, nested GitLab groups and `//` separators split right too.
 */
export function splitWorkflowUri(
  uri: string,
  repository: string | null = null,
): { path: string; ref: string | null } | null {
  let rest: string;
  if (repository !== null && uri.startsWith(`${repository}/`)) {
    rest = uri.slice(repository.length).replace(/^\/+/, '');
  } else {
    const match = /^https:\/\/[^/]+\/[^/]+\/[^/]+\/(.+)$/.exec(uri);
    if (!match) return null;
    rest = match[1]!;
  }
  const at = rest.lastIndexOf('@');
  return at > 0 ? { path: rest.slice(0, at), ref: rest.slice(at + 1) } : { path: rest, ref: null };
}

function refMatches(actual: string | null, expected: string): boolean {
  if (actual === null) return false;
  if (actual === expected) return true;
  return (
    !expected.startsWith('refs/') &&
    (actual === `refs/tags/${expected}` || actual === `refs/heads/${expected}`)
  );
}

/** Extensions .1.8 and later are DER UTF8Strings; the legacy ones are raw bytes. */
function decodeExtension(n: number, value: Buffer): string {
  if (n >= OID.issuer) {
    try {
      return ASN1Obj.parseBuffer(Buffer.from(value)).value.toString('utf8');
    } catch {
      // fall through: some issuers wrote raw strings
    }
  }
  return value.toString('utf8');
}

function hostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname;
  } catch {
    return null;
  }
}

function stripSlash(text: string | null): string | null {
  return text === null ? null : text.replace(/\/+$/, '');
}

/** `_npmUser.trustedPublisher` of a version: the registry's proof it came through an exchanged token. */
export function trustedPublisherOf(version: unknown): TrustedPublisher | null {
  const user = (version as { _npmUser?: { trustedPublisher?: unknown } } | null | undefined)?._npmUser;
  const tp = user?.trustedPublisher;
  if (tp === null || typeof tp !== 'object' || Array.isArray(tp)) return null;
  const id = (tp as { id?: unknown }).id;
  return typeof id === 'string' ? { ...tp, id } : null;
}
