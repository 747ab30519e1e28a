import { ProvenantError } from '../errors.js';
import { fetchOnlineTrust, type OnlineTrustDeps } from './fetch-trust.js';
import {
  loadEmbeddedTrust,
  loadGivenTrust,
  readJsonFile,
  resolveSeedsPath,
  decodeSeeds,
} from './load-trust.js';
import { createVerificationTrust, type VerificationTrust } from './trust-material.js';

/** SPEC §6: where the trust material comes from (`--offline`, `--trusted-root`, `--npm-keys`). */
export interface TrustOptions {
  mode: 'offline' | 'online' | 'given';
  trustedRootPath?: string | undefined;
  npmKeysPath?: string | undefined;
}

/**
 * Builds the trust material once per run. `given` with only one of the two
 * files takes the other from the embedded `@sigstore/tuf` seed.
 */
export async function loadTrust(options: TrustOptions, online?: OnlineTrustDeps): Promise<VerificationTrust> {
  switch (options.mode) {
    case 'offline':
      return loadEmbeddedTrust();
    case 'online':
      if (!online) throw new ProvenantError('INTERNAL', 'online trust needs a registry client');
      return fetchOnlineTrust(online);
    case 'given': {
      const { trustedRootPath, npmKeysPath } = options;
      if (trustedRootPath && npmKeysPath) return loadGivenTrust({ trustedRootPath, npmKeysPath });
      if (!trustedRootPath && !npmKeysPath) {
        throw new ProvenantError(
          'TRUST_MATERIAL_INVALID',
          'Given trust needs --trusted-root and/or --npm-keys',
        );
      }
      const seedsPath = resolveSeedsPath();
      const seeds = decodeSeeds(await readJsonFile(seedsPath), seedsPath);
      const root = trustedRootPath ? await readJsonFile(trustedRootPath) : seeds.trustedRoot;
      const keys = npmKeysPath ? await readJsonFile(npmKeysPath) : seeds.npmKeys;
      return createVerificationTrust(root, keys, 'given');
    }
  }
}
