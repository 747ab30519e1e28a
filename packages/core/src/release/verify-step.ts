import pLimit from 'p-limit';
import type { CiEnvironment } from '../ci/index.js';
import { problem } from '../problems.js';
import type { ProvenanceSwitch } from '../provenance/switch.js';
import type { Packument } from '../registry/packument.js';
import type { RegistryReads } from '../registry/public-first-reads.js';
import type { PackageReport } from '../report/types.js';
import { loadTrust, type TrustOptions } from '../trust/load-trust-options.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import type { IdentityPolicy } from '../verify/types.js';
import { verifyPackages } from '../verify/verify-packages.js';
import { releaseVerifyThreads, verifyPoolFor } from '../verify/verify-pool.js';

export interface VerifyStepOptions {
  policy: IdentityPolicy;
  tarball: boolean;
  trust: TrustOptions;
  timeoutMs: number;
  concurrency: number;
}

export interface VerifyStep {
  /** Queues a just-published version; verification starts right away. */
  add(spec: { name: string; version: string; dir: string | null }): void;
  /**
   * A packument publishing just read to confirm an upload: verification
   * takes it instead of reading (and parsing) the same document again.
   */
  prime(name: string, packument: Packument): void;
  /** Every queued version's report, by name. */
  finish(): Promise<Map<string, PackageReport>>;
}

/**
 * Verification runs while publishing goes on: each version is verified as
 * soon as it is published (trust material built once), so waiting for
 * attestations overlaps the remaining publishes. The Sigstore work runs on
 * verification threads, off the thread that starts publishers and reads
 * their answers.
 */
export function startVerifyStep(
  options: VerifyStepOptions,
  deps: {
    client: RegistryReads;
    sw: ProvenanceSwitch;
    sleep: (ms: number) => Promise<void>;
    now: () => number;
    onResult: (report: PackageReport) => void;
  },
): VerifyStep {
  const limit = pLimit(Math.max(1, options.concurrency));
  const primed = new Map<string, Packument>();
  const client: RegistryReads = {
    getJson: (path) => {
      const hit = primed.get(path);
      primed.delete(path);
      return hit ? Promise.resolve(hit) : deps.client.getJson(path);
    },
    getBuffer: (path, opts) => deps.client.getBuffer(path, opts),
    getPackument: (name) => deps.client.getPackument(name),
    packumentPath: (name) => deps.client.packumentPath(name),
    portable: () => deps.client.portable?.() ?? null,
  };
  let trust: Promise<VerificationTrust> | null = null;
  const pending: Array<Promise<PackageReport[]>> = [];
  return {
    prime(name, packument) {
      primed.set(client.packumentPath(name), packument);
    },
    add(spec) {
      trust ??= loadTrust(options.trust, { client: deps.client });
      const run = limit(async () => {
        const material = await (trust as Promise<VerificationTrust>);
        return verifyPackages(
          [spec],
          {
            trust: options.trust,
            ...options.policy,
            tarball: options.tarball,
            concurrency: 1,
            verifyTimeoutMs: options.timeoutMs,
          },
          {
            client,
            trust: material,
            pool: verifyPoolFor(material, releaseVerifyThreads()),
            sleep: deps.sleep,
            now: deps.now,
            onResult: (report) => deps.onResult(flagDroppedProvenance(report, deps.sw)),
          },
        );
      });
      pending.push(run);
    },
    async finish() {
      const reports = (await Promise.all(pending)).flat();
      return new Map(reports.map((r) => [r.name, flagDroppedProvenance(r, deps.sw)]));
    },
  };
}

/**
 * What verification expects of every version this run published: the
 * flags given, else this job's own repository, workflow and ref.
 */
export function releasePolicy(policy: IdentityPolicy, ci: CiEnvironment): IdentityPolicy {
  return {
    ...policy,
    expectRepository: policy.expectRepository ?? ci.repository ?? undefined,
    expectWorkflow: policy.expectWorkflow ?? ci.workflow?.path ?? undefined,
    expectRef: policy.expectRef ?? ci.workflow?.ref ?? undefined,
    expectIssuer: policy.expectIssuer ?? undefined,
  };
}

/** Publishing read this packument to confirm an upload: verification need not read it again. */
/**
 * The packuments read to settle what was published, shared with what comes
 * after: verification takes each as its first read, and the auth settlement
 * (`_npmUser.trustedPublisher`) reads the last one that holds the version
 * instead of asking the registry a third time for the same document.
 */
export function readsAfterPublish(
  client: Pick<RegistryReads, 'getPackument'>,
  verifier: VerifyStep | null,
): {
  read: (name: string) => Promise<Packument | null>;
  holding: (name: string, version: string) => Promise<Packument | null>;
} {
  const last = new Map<string, Packument>();
  return {
    read: async (name) => {
      const packument = await client.getPackument(name);
      if (packument) {
        last.set(name, packument);
        verifier?.prime(name, packument);
      }
      return packument;
    },
    holding: (name, version) => {
      const packument = last.get(name);
      return packument?.versions?.[version] ? Promise.resolve(packument) : client.getPackument(name);
    },
  };
}

/**
 * We asked the publisher for provenance: a version without it means the
 * publisher dropped the switch silently. Say so with PROVENANCE_MISSING even
 * when the registry has no attestations at all.
 */
export function flagDroppedProvenance(report: PackageReport, sw: ProvenanceSwitch): PackageReport {
  const missing =
    report.verification?.provenance === 'missing' ||
    report.problems.some((p) => p.code === 'ATTESTATIONS_MISSING');
  if (!missing || report.problems.some((p) => p.code === 'PROVENANCE_MISSING')) return report;
  return {
    ...report,
    status: 'unverified',
    problems: [
      ...report.problems,
      problem(
        'PROVENANCE_MISSING',
        'error',
        `${report.name}@${report.version} was published without a provenance attestation, although provenance was switched on via ${sw.via}: the publisher ignored the switch.`,
        'Use a switch this publisher version honours (--provenance-via auto picks one), and publish a new version.',
      ),
    ],
  };
}
