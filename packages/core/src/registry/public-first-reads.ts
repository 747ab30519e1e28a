import { RegistryClient, RegistryResponseError, type RegistryClientOptions } from './client.js';
import type { RetryPolicy } from './http-retry.js';
import type { RegistryAuth } from './npm-config.js';
import type { Packument } from './packument.js';

export interface RegistryReads {
  getJson(pathOrUrl: string): Promise<unknown>;
  getBuffer(pathOrUrl: string, options?: { maxBytes?: number }): Promise<Buffer | null>;
  getPackument(name: string): Promise<Packument | null>;
  packumentPath(name: string): string;
  /**
   * The same reads as plain data, for another thread (a verification thread) to repeat
   * with its own fetch; null when they go through a fetch of the caller's (a test's).
   */
  portable?(): PortableReads | null;
}

/** What a thread needs to read from the registry exactly as these reads do. */
export interface PortableReads {
  registry: string;
  auth: RegistryAuth;
  timeoutMs: number;
  retry?: Partial<RetryPolicy> | undefined;
}

/**
 * Reads go out without credentials, and repeat with them only when the
 * registry answers 401/403 (one that wants a token for every read). A 404 is
 * taken as it is: provenance is only for public packages, which anyone may
 * read. Public reads then never carry the token, and registries that check
 * a token expensively on every request (Verdaccio's legacy tokens cost a
 * bcrypt compare, about 150 ms of CPU) are spared hundreds of checks.
 */
export function publicFirstReads(options: {
  registry: string;
  auth: RegistryAuth;
  concurrency: number;
  timeoutMs?: number | undefined;
  retry?: RegistryClientOptions['retry'];
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  /** `fetch` is the network's own (Context's `networkFetch`), so another thread may read alike. */
  portable?: boolean;
}): RegistryReads {
  const base = {
    registry: options.registry,
    concurrency: options.concurrency,
    timeoutMs: options.timeoutMs ?? 15_000,
    ...(options.retry ? { retry: options.retry } : {}),
    fetch: options.fetch,
    sleep: options.sleep,
    now: options.now,
    // the workspace's own documents: small, read once; inflating them costs more than it saves
    identity: true,
  };
  const anonymous = new RegistryClient(base);
  const authed = options.auth.kind === 'none' ? null : new RegistryClient({ ...base, auth: options.auth });
  const withFallback = async <T>(read: (client: RegistryClient) => Promise<T | null>): Promise<T | null> => {
    try {
      return await read(anonymous);
    } catch (error) {
      const denied = error instanceof RegistryResponseError && (error.status === 401 || error.status === 403);
      if (!denied || authed === null) throw error;
    }
    return read(authed);
  };
  return {
    getJson: (path) => withFallback((c) => c.getJson(path)),
    getBuffer: (path, opts) => withFallback((c) => c.getBuffer(path, opts)),
    getPackument: (name) => withFallback((c) => c.getPackument(name)),
    packumentPath: (name) => anonymous.packumentPath(name),
    portable: () =>
      options.portable === true
        ? { registry: options.registry, auth: options.auth, timeoutMs: base.timeoutMs, retry: options.retry }
        : null,
  };
}
