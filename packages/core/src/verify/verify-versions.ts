import pLimit from 'p-limit';
import npa from 'npm-package-arg';
import { isProvenantError, messageOf } from '../errors.js';
import { hasError, problem, type Problem } from '../problems.js';
import type { Packument } from '../registry/packument.js';
import type { PortableReads } from '../registry/public-first-reads.js';
import type { PackageReport } from '../report/types.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import type { IdentityPolicy, VersionInput, VersionVerification } from './types.js';
import { trustedPublisherOf } from './identity.js';
import { inThreadPool, verifyPoolFor, type AttestationsRead, type VerifyPool } from './verify-pool.js';
import { fetchVersion, MAX_ATTESTATIONS_BYTES } from './fetch-version.js';
import { verifyVersion } from './verify-version.js';

export { MAX_ATTESTATIONS_BYTES } from './fetch-version.js';

/** The registry client's surface the verifier needs (`registry/client.ts` implements it). */
export interface VerifyRegistry {
  /** Resolves null on 404; throws ProvenantError REGISTRY_UNREACHABLE / REGISTRY_BAD_RESPONSE. */
  getJson(pathOrUrl: string): Promise<unknown>;
  getBuffer(pathOrUrl: string, options?: { maxBytes?: number }): Promise<Buffer | null>;
  packumentPath(name: string): string;
  /** The same reads as plain data, for a verification thread to read attestations itself. */
  portable?(): PortableReads | null;
}

export interface VersionSpec {
  name: string;
  /** An exact version, a dist-tag, or null for `latest`. */
  version: string | null;
  /** Workspace folder (posix, relative to the root), for the report. */
  dir?: string | null;
}

export interface VerifyVersionsOptions extends IdentityPolicy {
  /** Also download each tarball and check it against `dist.integrity`. */
  tarball?: boolean;
  /** Versions verified at once; default 4 (SPEC §2 `--concurrency`). */
  concurrency?: number;
  /** Wait up to this long for a just-published version's attestations to appear (`release`). */
  verifyTimeoutMs?: number;
  /** 0: verify on this thread only (else threads over every core from 8 versions on). */
  threads?: 0;
}

export interface VerifyVersionsDeps {
  client: VerifyRegistry;
  trust: VerificationTrust;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called as each version finishes, for progress output. */
  onResult?: (report: PackageReport) => void;
  /** Verification threads shared across calls (release); else started here for many versions. */
  pool?: VerifyPool;
}

/** From this many versions on, verification threads pay for their start-up (~50 ms each). */
const THREADS_FROM = 8;

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;

/**
 * Fetches and verifies every `name@version`, at most `concurrency` at once.
 * A failure of one version (not found, registry error, bad attestations)
 * becomes problems on that version; the others carry on.
 */
export async function verifyVersions(
  specs: readonly VersionSpec[],
  options: VerifyVersionsOptions,
  deps: VerifyVersionsDeps,
): Promise<PackageReport[]> {
  const pool =
    deps.pool ??
    (specs.length < THREADS_FROM || options.threads === 0
      ? inThreadPool(deps.trust)
      : verifyPoolFor(deps.trust));
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const run: Run = {
    packuments: new Map(),
    deps,
    options,
    pool,
    // threads that can read as this client does fetch each attestations document themselves
    remote: pool.verifyReading ? (deps.client.portable?.() ?? null) : null,
    sleep: deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    now: deps.now ?? Date.now,
  };
  return Promise.all(
    specs.map((spec) =>
      limit(async () => {
        const report = await verifyOne(spec, run);
        deps.onResult?.(report);
        return report;
      }),
    ),
  );
}

interface Run {
  /** Packuments read in this run, by name: many versions of one package parse it once. */
  packuments: Map<string, Promise<Packument | null>>;
  deps: VerifyVersionsDeps;
  options: VerifyVersionsOptions;
  pool: VerifyPool;
  remote: PortableReads | null;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

async function verifyOne(spec: VersionSpec, run: Run): Promise<PackageReport> {
  const { client, trust } = run.deps;
  const deadline = run.now() + Math.max(0, run.options.verifyTimeoutMs ?? 0);
  const report = (
    version: string,
    problems: Problem[],
    verification: PackageReport['verification'] = null,
  ): PackageReport => ({
    name: spec.name,
    version,
    dir: spec.dir ?? null,
    status: hasError(problems) ? 'unverified' : 'verified',
    problems,
    publish: null,
    verification,
  });
  try {
    for (let attempt = 0; ; attempt++) {
      const fetched = await fetchVersion(spec, client, run.packuments, run.remote === null);
      const waitable =
        fetched.kind === 'missing-version' || (fetched.kind === 'found' && fetched.attestationsDoc === null);
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
      const canWait = run.now() + delay <= deadline;
      if (waitable && canWait) {
        await run.sleep(delay);
        continue;
      }
      if (fetched.kind !== 'found') {
        return report(spec.version ?? 'latest', [
          problem(
            'VERSION_NOT_FOUND',
            'error',
            fetched.message,
            'Check the name and version; a version published seconds ago may need --verify-timeout.',
          ),
        ]);
      }
      const { manifest, dist, version } = fetched;
      let tarballBytes: Buffer | undefined;
      const early: Problem[] = [];
      if (run.options.tarball && !dist.tarball) {
        early.push(
          problem(
            'REGISTRY_BAD_RESPONSE',
            'error',
            `${spec.name}@${version} has no dist.tarball to download`,
          ),
        );
      } else if (run.options.tarball) {
        const bytes = await client.getBuffer(dist.tarball);
        if (bytes === null)
          early.push(
            problem('TARBALL_INTEGRITY_MISMATCH', 'error', `The tarball ${dist.tarball} is not found (404)`),
          );
        else tarballBytes = bytes;
      }
      const policy: IdentityPolicy = {
        expectRepository: run.options.expectRepository ?? normalizeRepositoryUrl(manifest.repository),
        expectWorkflow: run.options.expectWorkflow,
        expectRef: run.options.expectRef,
        expectIssuer: run.options.expectIssuer,
      };
      const base = { name: spec.name, version, dist, tarballBytes, publishedAt: fetched.publishedAt };
      let result: VersionVerification;
      if (fetched.attestationsDoc === undefined && run.remote) {
        const read = { reads: run.remote, path: fetched.attestationsPath, maxBytes: MAX_ATTESTATIONS_BYTES };
        const there = await verifyReading(run, base, read, policy);
        if (there === null && canWait) {
          await run.sleep(delay);
          continue;
        }
        result = there ?? verifyVersion({ ...base, attestationsDoc: null }, trust, policy);
      } else {
        const input: VersionInput = { ...base, attestationsDoc: fetched.attestationsDoc ?? null };
        // a thread that died is no verdict: verify here instead
        result = await run.pool.verify(input, policy).catch(() => verifyVersion(input, trust, policy));
      }
      const trustedPublisher = trustedPublisherOf(manifest);
      if (result.verification.identity) result.verification.identity.trustedPublisher = trustedPublisher;
      if (run.options.expectTrustedPublisher && trustedPublisher === null) {
        early.push(
          problem(
            'TRUSTED_PUBLISHER_MISSING',
            'error',
            `${spec.name}@${version} was not published through trusted publishing: the registry recorded no _npmUser.trustedPublisher`,
            'Publish from CI with trusted publishing configured for the package and no stored token (provenant check --auth oidc tells what is missing).',
          ),
        );
      }
      if (!policy.expectRepository && result.verification.identity) {
        early.push(
          problem(
            'IDENTITY_NOT_PINNED',
            'warning',
            `No expected repository for ${spec.name}: built by ${result.verification.identity.repository ?? 'an unknown repository'}, not checked`,
            'Pass --expect-repository, or set repository.url in the package manifest.',
          ),
        );
      }
      return report(version, [...early, ...result.problems], result.verification);
    }
  } catch (error) {
    const code =
      isProvenantError(error) && error.code === 'REGISTRY_BAD_RESPONSE'
        ? 'REGISTRY_BAD_RESPONSE'
        : 'REGISTRY_UNREACHABLE';
    return report(spec.version ?? 'latest', [
      problem(code, 'error', messageOf(error), isProvenantError(error) ? error.hint : null),
    ]);
  }
}

/**
 * Verifies on a thread that reads the attestations document itself; null when the
 * registry has none. A registry failure is thrown as it would be here; a thread that
 * died is no verdict, so this thread reads and verifies instead.
 */
async function verifyReading(
  run: Run,
  base: Omit<VersionInput, 'attestationsDoc'>,
  read: AttestationsRead,
  policy: IdentityPolicy,
): Promise<VersionVerification | null> {
  try {
    return await (run.pool.verifyReading as NonNullable<VerifyPool['verifyReading']>)(base, read, policy);
  } catch (error) {
    if (isProvenantError(error)) throw error;
    const doc = await run.deps.client.getBuffer(read.path, { maxBytes: read.maxBytes });
    return doc === null ? null : verifyVersion({ ...base, attestationsDoc: doc }, run.deps.trust, policy);
  }
}

/** `name@version`, `@scope/name@version`, `name` (latest) or `name@tag`. */
export function parseVersionSpec(text: string): VersionSpec | null {
  // npm's own spec parser decides what a registry spec is; we accept exact versions and dist-tags.
  if (text.trim() !== text || text.endsWith('@')) return null;
  let parsed: npa.Result;
  try {
    parsed = npa(text);
  } catch {
    return null;
  }
  if (!parsed.registry || !parsed.name) return null;
  if (parsed.type === 'version') return { name: parsed.name, version: parsed.fetchSpec };
  if (parsed.type === 'tag')
    return { name: parsed.name, version: parsed.rawSpec === '' ? null : parsed.fetchSpec };
  if (parsed.type === 'range' && (parsed.rawSpec === '' || parsed.rawSpec === '*'))
    return { name: parsed.name, version: null };
  return null;
}
