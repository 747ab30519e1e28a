import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrustOptions } from '../trust/load-trust-options.js';
import type { VersionInput, VersionVerification } from '../verify/types.js';

export interface VerifyPool {
  verify(input: VersionInput): Promise<VersionVerification>;
  close(): Promise<void>;
}

/**
 * Sigstore verification is synchronous CPU work: spread it over worker
 * threads (one per core, at most `size`), while the main thread keeps the
 * registry requests going. Each worker builds its own trust material from
 * the same options (files or the embedded seed), so only `given` and
 * `offline` trust can be used; online trust stays on the main thread.
 */
export function createVerifyPool(trust: TrustOptions, size = availableParallelism()): VerifyPool | null {
  if (trust.mode === 'online' || size < 2) return null;
  const pending = new Map<number, { resolve(v: VersionVerification): void; reject(e: Error): void }>();
  let next = 0;
  let workers: Worker[] | null = null;
  // Started on the first version to verify: an audit with nothing attested starts none.
  const start = (): Worker[] => {
    workers = Array.from(
      { length: size },
      () => new Worker(new URL('./verify-worker.js', import.meta.url), { workerData: { trust } }),
    );
    for (const worker of workers) {
      worker.on('message', (msg: { id: number; result?: VersionVerification; error?: string }) => {
        const job = pending.get(msg.id);
        pending.delete(msg.id);
        if (msg.result) job?.resolve(msg.result);
        else job?.reject(new Error(msg.error ?? 'verification worker failed'));
      });
      worker.on('error', (error) => {
        for (const job of pending.values()) job.reject(error);
        pending.clear();
      });
    }
    return workers;
  };
  return {
    verify: (input) =>
      new Promise((resolve, reject) => {
        const id = next++;
        pending.set(id, { resolve, reject });
        const pool = workers ?? start();
        pool[id % pool.length]!.postMessage({ id, input });
      }),
    close: async () => {
      await Promise.all((workers ?? []).map((w) => w.terminate()));
    },
  };
}
