export {
  parseNpmKeys,
  lookupNpmKey,
  isValidAt,
  type NpmKey,
  type NpmKeyUsage,
  type KeyLookup,
} from './npm-keys.js';
export { createVerificationTrust, type VerificationTrust, type TrustSource } from './trust-material.js';
export {
  loadGivenTrust,
  loadEmbeddedTrust,
  decodeSeeds,
  resolveSeedsPath,
  readJsonFile,
} from './load-trust.js';
export { fetchOnlineTrust, type OnlineTrustDeps } from './fetch-trust.js';
export { loadTrust, type TrustOptions } from './load-trust-options.js';
