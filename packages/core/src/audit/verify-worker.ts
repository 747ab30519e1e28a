// A worker thread of the verify pool: builds the trust material once, then runs the
// synchronous verify engine on each version it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { loadTrust, type TrustOptions } from '../trust/load-trust-options.js';
import { installFastDerEncoding, sampleCertificate } from '../verify/der-encoding.js';
import type { VersionInput } from '../verify/types.js';
import { verifyVersion } from '../verify/verify-version.js';

interface Job {
  id: number;
  input: VersionInput;
}

const port = parentPort;
if (port) {
  const ready = loadTrust((workerData as { trust: TrustOptions }).trust).then((trust) => {
    const sample = sampleCertificate(trust.documents.trustedRoot);
    if (sample) installFastDerEncoding(sample);
    return trust;
  });
  port.on('message', (job: Job) => {
    ready
      .then((trust) => {
        const doc = job.input.attestationsDoc;
        // Structured cloning turns a Buffer into a plain Uint8Array.
        const input = { ...job.input, attestationsDoc: doc instanceof Uint8Array ? Buffer.from(doc) : doc };
        port.postMessage({ id: job.id, result: verifyVersion(input, trust, {}) });
      })
      .catch((error: unknown) => port.postMessage({ id: job.id, error: String(error) }));
  });
}
