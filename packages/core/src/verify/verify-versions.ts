import pLimit from 'p-limit';
import npa from 'npm-package-arg';
import semver from 'semver';
import { isProvenantError, messageOf } from '../errors.js';
import { hasError, problem, type Problem } from '../problems.js';
import type { Packument, PackumentVersion } from '../registry/packument.js';
import type { PackageReport } from '../report/types.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import type { IdentityPolicy, VersionDist } from './types.js';
import { trustedPublisherOf } from './identity.js';
import { verifyVersion } from './verify-version.js';

/** The registry client's surface the verifier needs (`registry/client.ts` implements it). */
export interface VerifyRegistry {
  /** Resolves null on 404; throws ProvenantError REGISTRY_UNREACHABLE / REGISTRY_BAD_RESPONSE. */
  getJson(pathOrUrl: string): Promise<unknown>;
  getBuffer(pathOrUrl: string, options?: { maxBytes?: number }): Promise<Buffer | null>;
  packumentPath(name: string): string;
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
}

export interface VerifyVersionsDeps {
  client: VerifyRegistry;
  trust: VerificationTrust;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called as each version finishes, for progress output. */
  onResult?: (report: PackageReport) => void;
}

/**
 * Real attestations documents are ~10–20 KB (two bundles). Anything far bigger is
 * refused unread rather than buffered and parsed: a padded document must not verify.
 */
export const MAX_ATTESTATIONS_BYTES = 4 * 1024 * 1024;

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
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const run: Run = {
    deps,
    options,
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
  deps: VerifyVersionsDeps;
  options: VerifyVersionsOptions;
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
      const fetched = await fetchVersion(spec, client);
      const waitable =
        fetched.kind === 'missing-version' || (fetched.kind === 'found' && fetched.attestationsDoc === null);
      const delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** attempt);
      if (waitable && run.now() + delay <= deadline) {
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
      const result = verifyVersion(
        {
          name: spec.name,
          version,
          dist,
          attestationsDoc: fetched.attestationsDoc,
          tarballBytes,
          publishedAt: fetched.publishedAt,
        },
        trust,
        policy,
      );
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

type Fetched =
  | { kind: 'missing-package' | 'missing-version'; message: string }
  | {
      kind: 'found';
      version: string;
      manifest: PackumentVersion;
      dist: VersionDist;
      publishedAt: Date | null;
      /** Raw bytes (parsed by the verifier, so non-JSON is a clean problem), or null on 404. */
      attestationsDoc: Buffer | null;
    };

async function fetchVersion(spec: VersionSpec, client: VerifyRegistry): Promise<Fetched> {
  const packument = (await client.getJson(client.packumentPath(spec.name))) as Packument | null;
  if (packument === null || typeof packument !== 'object') {
    return { kind: 'missing-package', message: `${spec.name} is not in the registry` };
  }
  const wanted = spec.version ?? 'latest';
  const version = semver.valid(wanted) ? wanted : packument['dist-tags']?.[wanted];
  const manifest = version ? packument.versions?.[version] : undefined;
  if (!version || !manifest) {
    return { kind: 'missing-version', message: `${spec.name}@${wanted} is not in the registry` };
  }
  const rawDist = manifest.dist ?? {};
  const dist: VersionDist = {
    integrity: rawDist.integrity ?? '',
    tarball: rawDist.tarball ?? '',
    attestations: rawDist.attestations,
    signatures: rawDist.signatures?.map((s) => ({ keyid: String(s.keyid), sig: String(s.sig) })),
  };
  const path =
    rawDist.attestations?.url ?? `/-/npm/v1/attestations/${client.packumentPath(spec.name)}@${version}`;
  const attestationsDoc = await client.getBuffer(path, { maxBytes: MAX_ATTESTATIONS_BYTES });
  const time = packument.time?.[version];
  const publishedAt = time && !Number.isNaN(Date.parse(time)) ? new Date(time) : null;
  return { kind: 'found', version, manifest, dist, publishedAt, attestationsDoc };
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
