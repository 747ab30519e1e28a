import type { Registry, Sigstore } from '../../packages/testing/dist/index.js';

export interface NpmTufMirror {
  /** Environment for npm: HTTPS_PROXY, NO_PROXY, NODE_EXTRA_CA_CERTS and a seeded npm cache. */
  env: Record<string, string>;
  /** Every request the mirror answered, as `METHOD path`. */
  requests: string[];
  stop(): Promise<void>;
}

export function startNpmTufMirror(
  sigstore: Sigstore,
  registry: Registry,
  workDir: string,
): Promise<NpmTufMirror>;
