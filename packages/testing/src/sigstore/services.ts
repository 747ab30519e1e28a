import { generateKeyPairSync } from 'node:crypto';
// Deep imports: the package index also loads nock, which patches node:http in this process.
import { fulcioHandler, initializeCA, initializeCTLog } from '@sigstore/mock/dist/fulcio/index.js';
import { initializeTLog, rekorHandler } from '@sigstore/mock/dist/rekor/index.js';
import { initializeTSA, tsaHandler } from '@sigstore/mock/dist/timestamp/index.js';
import type { CA, ExtensionValue } from '@sigstore/mock/dist/fulcio/ca.js';
import type { HandlerFn } from '@sigstore/mock/dist/shared.types.js';
import {
  gitlabCertificateExtensions,
  gitlabSubjectAltName,
  githubExtraExtensions,
  isGitLabToken,
} from './fulcio-extensions.js';
import { GITHUB_ISSUER, decodeJwtPayload, withJwtPayload } from './id-token.js';
import { canonicalizeProposedEntry } from './rekor-entries.js';
import { buildTrustedRoot } from './trusted-root.js';

export type { HandlerFn };

export interface SigstoreServices {
  /** POST handlers by path: Fulcio `/api/v2/signingCert`, Rekor `/api/v1/log/entries`, TSA `/api/v1/timestamp`. */
  routes: Map<string, HandlerFn>;
  trustedRoot: Record<string, unknown>;
}

// The claim our Fulcio wrapper adds so the mock uses it as the certificate SAN.
const SAN_CLAIM = 'provenant_rig_san';

const newKeyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });

/** What real Fulcio puts in the SAN: the workflow URI for GitHub or GitLab, else the email or subject. */
function subjectAltNameFor(claims: Record<string, unknown>): string {
  // GitHub's issuer, or an enterprise-scoped one (`…/<slug>`).
  if (String(claims.iss).startsWith(GITHUB_ISSUER) && typeof claims.job_workflow_ref === 'string') {
    return `https://github.com/${claims.job_workflow_ref}`;
  }
  if (isGitLabToken(claims)) return gitlabSubjectAltName(claims);
  if (typeof claims.email === 'string') return claims.email;
  return typeof claims.sub === 'string' ? claims.sub : 'NO-SUBJECT';
}

/**
 * The mock Fulcio, per request: it signs with the SAN real Fulcio would write, and with the
 * extensions real Fulcio derives — the mock's GitHub ones (plus the deployment environment),
 * or GitLab's, which the mock does not know (fulcio-extensions.ts).
 */
function fulcioLikeReal(ca: CA): HandlerFn {
  return async (body) => {
    let request: { credentials?: { oidcIdentityToken?: string } };
    try {
      request = JSON.parse(body) as typeof request;
    } catch {
      return fulcioHandler(ca, { subjectClaim: SAN_CLAIM }).fn(body);
    }
    const token = request.credentials?.oidcIdentityToken;
    if (!token) return fulcioHandler(ca, { subjectClaim: SAN_CLAIM }).fn(body);
    const claims = decodeJwtPayload(token);
    request.credentials = {
      ...request.credentials,
      oidcIdentityToken: withJwtPayload(token, { ...claims, [SAN_CLAIM]: subjectAltNameFor(claims) }),
    };
    const extensions = (fromMock: ExtensionValue[]) =>
      isGitLabToken(claims)
        ? gitlabCertificateExtensions(claims)
        : [...fromMock, ...githubExtraExtensions(claims)];
    const issuing: CA = {
      rootCertificate: ca.rootCertificate,
      issueCertificate: (options) =>
        ca.issueCertificate({ ...options, extensions: extensions(options.extensions ?? []) }),
    };
    return fulcioHandler(issuing, { subjectClaim: SAN_CLAIM }).fn(JSON.stringify(request));
  };
}

function withCanonicalEntries(fn: HandlerFn): HandlerFn {
  return async (body) => {
    let proposed: unknown;
    try {
      proposed = JSON.parse(body);
    } catch {
      return fn(body);
    }
    return fn(JSON.stringify(canonicalizeProposedEntry(proposed)));
  };
}

/** Fulcio, Rekor and a TSA from @sigstore/mock, each with fresh keys, plus their trusted root. */
export async function createSigstoreServices(): Promise<SigstoreServices> {
  const validFrom = new Date(Date.now() - 60 * 60 * 1000);
  const ctlogKeys = newKeyPair();
  const tlogKeys = newKeyPair();
  const ctlog = await initializeCTLog(ctlogKeys);
  const ca = await initializeCA(newKeyPair(), ctlog);
  const tlog = await initializeTLog('https://rekor.sigstore.dev', tlogKeys);
  const tsa = await initializeTSA(newKeyPair());

  const fulcioPath = fulcioHandler(ca).path;
  const rekor = rekorHandler(tlog);
  const timestamp = tsaHandler(tsa);
  const routes = new Map<string, HandlerFn>([
    [fulcioPath, fulcioLikeReal(ca)],
    [rekor.path, withCanonicalEntries(rekor.fn)],
    [timestamp.path, timestamp.fn],
  ]);
  const trustedRoot = buildTrustedRoot({
    caRootCertificate: ca.rootCertificate,
    ctlogPublicKey: ctlog.publicKey,
    ctlogId: ctlog.logID,
    tlogPublicKey: tlog.publicKey,
    tsaCertificates: [tsa.intCertificate, tsa.rootCertificate],
    validFrom,
  });
  return { routes, trustedRoot };
}
