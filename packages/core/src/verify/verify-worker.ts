// A verification thread (verify-pool.ts): rebuilds the trust material once from
// the documents it was started with, then verifies each version it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { createVerificationTrust, type TrustSource } from '../trust/trust-material.js';
import type { IdentityPolicy, VersionInput } from './types.js';
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
}

const start = workerData as StartData;
const trust = createVerificationTrust(start.trustedRoot, start.npmKeys, start.source);

/** Bytes arrive as Uint8Array (structured clone drops the Buffer class). */
const asBuffer = (bytes: unknown) =>
  bytes instanceof Uint8Array ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;

parentPort?.on('message', (job: VerifyJob) => {
  try {
    const input: VersionInput = {
      ...job.input,
      attestationsDoc: asBuffer(job.input.attestationsDoc),
      tarballBytes: asBuffer(job.input.tarballBytes) as Buffer | undefined,
    };
    parentPort?.postMessage({ id: job.id, result: verifyVersion(input, trust, job.policy) });
  } catch (error) {
    parentPort?.postMessage({ id: job.id, error: error instanceof Error ? error.message : String(error) });
  }
});
