import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ProvenantError, type ErrorCode } from '../errors.js';
import type { PortableReads } from '../registry/public-first-reads.js';
import type { VerificationTrust } from '../trust/trust-material.js';
import type { IdentityPolicy, VersionInput, VersionVerification } from './types.js';
import { verifyVersion } from './verify-version.js';

/** An attestations document a verification thread reads itself. */
export interface AttestationsRead {
  reads: PortableReads;
  path: string;
  maxBytes: number;
}

/** A thread's answer to one job. */
export interface VerifyReply {
  id: number;
  result?: VersionVerification;
  /** The registry has no such document (404). */
  missing?: true;
  /** Reading the document failed: a ProvenantError, rebuilt on this side. */
  readError?: { code: ErrorCode; message: string; hint: string | null };
  error?: string;
}

/**
 * Sigstore verification is CPU-bound (~15 ms a version, mostly ASN.1 and
 * certificate-chain work in @sigstore/core) and synchronous: on one thread it
 * caps `verify` at ~65 versions/s and, inside `release`, stalls the thread
 * that starts publishers and reads their answers. Threads verify in parallel
 * over every core while the main thread only fetches.
 */
export interface VerifyPool {
  verify(input: VersionInput, policy: IdentityPolicy): Promise<VersionVerification>;
  /**
   * Reads the attestations document on a verification thread and verifies it there, so
   * this thread neither fetches nor buffers it; null when the registry has none (404).
   * Only pools with threads have it.
   */
  verifyReading?(
    input: Omit<VersionInput, 'attestationsDoc'>,
    read: AttestationsRead,
    policy: IdentityPolicy,
  ): Promise<VersionVerification | null>;
  /** Stops the threads: call once every verification has settled. */
  close(): Promise<void>;
}

const shared = new WeakMap<VerificationTrust, VerifyPool>();

/**
 * One pool per trust material for the whole process, its threads started on
 * first use and kept warm (JIT, parsed trust) between calls; an idle thread
 * never keeps the process alive. `threads`: how many, when this call starts the pool.
 */
export function verifyPoolFor(trust: VerificationTrust, threads?: number): VerifyPool {
  let pool = shared.get(trust);
  if (!pool) {
    pool = createVerifyPool(trust, threads === undefined ? {} : { threads });
    shared.set(trust, pool);
  }
  return pool;
}

/**
 * Verification threads for a release: half the cores. Its publishers hold the cores, and
 * verifying a version costs a fraction of publishing it (about 20–40 ms of CPU against
 * 100 ms and more of the publisher's): more threads verify no sooner, and each costs a
 * start-up (~250 ms of CPU loading @sigstore/*). Measured on a 60-package release on 2
 * cores: one thread used 0.5 s less CPU than two, with the same wall time.
 */
export function releaseVerifyThreads(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** A verification thread's young generation (short-lived parse garbage), in MB. */
const YOUNG_GENERATION_MB = 8;

const WORKER_URL = new URL('./verify-worker.js', import.meta.url);

/** Verifies on this thread: few versions, or no compiled worker (tests run from src/). */
export function inThreadPool(trust: VerificationTrust): VerifyPool {
  return {
    verify: (input, policy) => Promise.resolve(verifyVersion(input, trust, policy)),
    close: () => Promise.resolve(),
  };
}

/**
 * `threads` workers (default: the core count), started on first use, each
 * with its own copy of the trust material; a job goes to the least busy one.
 */
export function createVerifyPool(
  trust: VerificationTrust,
  options: { threads?: number; workerUrl?: URL } = {},
): VerifyPool {
  const workerUrl = options.workerUrl ?? WORKER_URL;
  if (!existsSync(fileURLToPath(workerUrl))) return inThreadPool(trust);
  const size = Math.max(1, options.threads ?? availableParallelism());
  const workers: Array<{ worker: Worker; busy: number }> = [];
  const waiting = new Map<number, { resolve: (m: VerifyReply) => void; reject: (e: Error) => void }>();
  let nextId = 0;

  const spawn = () => {
    const worker = new Worker(workerUrl, {
      workerData: { ...trust.documents, source: trust.source },
      // A thread's nursery otherwise grows to V8's default (48 MB): a 200-package release
      // peaked at 203–208 MB RSS with it, 165 MB with 8 MB, and `verify` ran as fast.
      resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB },
    });
    // an idle thread must not hold the process open (a busy one does: see verify())
    worker.unref();
    const slot = { worker, busy: 0 };
    worker.on('message', (m: VerifyReply) => {
      slot.busy -= 1;
      if (slot.busy === 0) worker.unref();
      const pending = waiting.get(m.id);
      waiting.delete(m.id);
      pending?.resolve(m);
    });
    worker.on('error', (error) => {
      for (const [id, pending] of waiting) {
        pending.reject(error);
        waiting.delete(id);
      }
    });
    workers.push(slot);
    return slot;
  };

  const send = (job: { input: VersionInput; policy: IdentityPolicy; read?: AttestationsRead }) => {
    const idle = workers.find((w) => w.busy === 0);
    const slot =
      idle ?? (workers.length < size ? spawn() : workers.reduce((a, b) => (b.busy < a.busy ? b : a)));
    const id = nextId++;
    if (slot.busy === 0) slot.worker.ref();
    slot.busy += 1;
    return new Promise<VerifyReply>((resolve, reject) => {
      waiting.set(id, { resolve, reject });
      slot.worker.postMessage({ id, ...job });
    });
  };
  const resultOf = (m: VerifyReply): VersionVerification => {
    if (m.readError)
      throw new ProvenantError(m.readError.code, m.readError.message, { hint: m.readError.hint });
    if (!m.result) throw new Error(m.error ?? 'verification thread failed');
    return m.result;
  };

  return {
    verify: async (input, policy) => resultOf(await send({ input, policy })),
    async verifyReading(input, read, policy) {
      const reply = await send({ input: { ...input, attestationsDoc: null }, policy, read });
      return reply.missing ? null : resultOf(reply);
    },
    async close() {
      await Promise.all(workers.map((w) => w.worker.terminate()));
      workers.length = 0;
    },
  };
}
