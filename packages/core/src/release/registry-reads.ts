import { isProvenantError } from '../errors.js';
import { RegistryClient } from '../registry/client.js';
import type { RegistryAuth } from '../registry/npm-config.js';
import type { Packument } from '../registry/packument.js';

export interface RegistryReads {
  getJson(pathOrUrl: string): Promise<unknown>;
  getBuffer(pathOrUrl: string): Promise<Buffer | null>;
  getPackument(name: string): Promise<Packument | null>;
  packumentPath(name: string): string;
}

/**
 * Reads go out without credentials first and repeat with them only when the
 * registry says "not found" or "forbidden" (a private package). Public reads
 * then never carry the token, and registries that check a token expensively
 * on every request (Verdaccio's legacy tokens cost a bcrypt compare, about
 * 150 ms of CPU) are spared hundreds of checks per release.
 */
export function publicFirstReads(options: {
  registry: string;
  auth: RegistryAuth;
  concurrency: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}): RegistryReads {
  const base = {
    registry: options.registry,
    concurrency: options.concurrency,
    fetch: options.fetch,
    sleep: options.sleep,
    now: options.now,
  };
  const anonymous = new RegistryClient(base);
  const authed = options.auth.kind === 'none' ? null : new RegistryClient({ ...base, auth: options.auth });
  const withFallback = async <T>(read: (client: RegistryClient) => Promise<T | null>): Promise<T | null> => {
    try {
      const result = await read(anonymous);
      if (result !== null || authed === null) return result;
    } catch (error) {
      const denied = isProvenantError(error) && /HTTP 40[13]\b/.test(error.message);
      if (!denied || authed === null) throw error;
    }
    return read(authed);
  };
  return {
    getJson: (path) => withFallback((c) => c.getJson(path)),
    getBuffer: (path) => withFallback((c) => c.getBuffer(path)),
    getPackument: (name) => withFallback((c) => c.getPackument(name)),
    packumentPath: (name) => anonymous.packumentPath(name),
  };
}
