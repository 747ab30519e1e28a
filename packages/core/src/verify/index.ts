export { verifyVersion } from './verify-version.js';
export {
  checkAttestation,
  attestationKind,
  type AttestationKind,
  type CheckedAttestation,
} from './attestation.js';
export {
  identityOf,
  checkIdentity,
  splitWorkflowUri,
  logSearchUrl,
  type CertificateIdentity,
} from './identity.js';
export { checkRegistrySignature, type RegistrySignatureResult } from './registry-signature.js';
export { checkStatement, checkTarball, packagePurl, sha512Hex } from './statement.js';
export * from './types.js';
export * from '../trust/index.js';
export { normalizeRepositoryUrl, sameRepository } from '../repository-url.js';
export {
  verifyVersions,
  parseVersionSpec,
  type VerifyRegistry,
  type VersionSpec,
  type VerifyVersionsOptions,
  type VerifyVersionsDeps,
} from './verify-versions.js';
export { verifyPackages, type VerifyOptions, type VerifyDeps } from './verify-packages.js';
export { verifyPoolFor, type VerifyPool } from './verify-pool.js';
