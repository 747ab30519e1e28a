// A verification thread (verify-pool.ts): rebuilds the trust material once from
// the documents it was started with, then verifies each version it is sent,
// reading its attestations document first when the job says where.
import { parentPort, workerData } from 'node:worker_threads';
import { isProvenantError } from '../errors.js';
import { publicFirstReads, type PortableReads, type RegistryReads } from '../registry/public-first-reads.js';
import { createVerificationTrust, type TrustSource } from '../trust/trust-material.js';
import { installFastDerEncoding, sampleCertificate } from './der-encoding.js';
import type { IdentityPolicy, VersionInput } from './types.js';
import type { AttestationsRead, VerifyReply } from './verify-pool.js';
import { verifyVersion } from './verify-version.js';

interface StartData {
  trustedRoot: unknown;
  npmKeys: unknown;
  source: TrustSource;
}

export interface VerifyJob {
  id: number;
  input: VersionInput;
  policy: IdentityPolicy;
  read?: AttestationsRead;
}

const start = workerData as StartData;
const sample = sampleCertificate(start.trustedRoot);
if (sample) installFastDerEncoding(sample);
const trust = createVerificationTrust(start.trustedRoot, start.npmKeys, start.source);

/** Bytes arrive as Uint8Array (structured clone drops the Buffer class). */
const asBuffer = (bytes: unknown) =>
  bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;

/** One set of reads per registry and credentials, kept for the thread's life (keep-alive). */
const readers = new Map<string, RegistryReads>();
function readsFor(portable: PortableReads): RegistryReads {
  const key = JSON.stringify(portable);
  let reads = readers.get(key);
  if (!reads) {
    reads = publicFirstReads({
      ...portable,
      concurrency: 4,
      fetch: globalThis.fetch,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      now: Date.now,
    });
    readers.set(key, reads);
  }
  return reads;
}

async function run(job: VerifyJob): Promise<VerifyReply> {
  let attestationsDoc = asBuffer(job.input.attestationsDoc);
  if (job.read) {
    try {
      attestationsDoc = await readsFor(job.read.reads).getBuffer(job.read.path, {
        maxBytes: job.read.maxBytes,
      });
    } catch (error) {
      if (!isProvenantError(error)) throw error;
      return { id: job.id, readError: { code: error.code, message: error.message, hint: error.hint } };
    }
    if (attestationsDoc === null) return { id: job.id, missing: true };
  }
  const input: VersionInput = {
    ...job.input,
    attestationsDoc,
    tarballBytes: asBuffer(job.input.tarballBytes) as Buffer | undefined,
  };
  return { id: job.id, result: verifyVersion(input, trust, job.policy) };
}

parentPort?.on('message', (job: VerifyJob) => {
  run(job).then(
    (reply) => parentPort?.postMessage(reply),
    (error: unknown) =>
      parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
