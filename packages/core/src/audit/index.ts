export { auditLockfile, type AuditOptions, type AuditDeps } from './audit.js';
export { auditCounts, type AuditCounts } from './counts.js';
export { AuditCache, defaultCacheDir, type VersionFacts } from './cache.js';
export { trustDigest } from './trust-digest.js';
export { loadPolicy, parsePolicy, EMPTY_POLICY, type AuditPolicy } from './policy.js';
export { findRegression, provenanceOf, type Regression } from './regression.js';
export { compilePolicy, judgeVersion, type CompiledPolicy } from './judge.js';
export {
  readProjectLockfile,
  readLockfileAt,
  findLockfileDir,
  LOCKFILE_NAMES,
} from './lockfile/read-lockfile.js';
export { readNpmLock } from './lockfile/npm-lock.js';
export { readPnpmLock } from './lockfile/pnpm-lock.js';
export { readYarnLock } from './lockfile/yarn-lock.js';
export { readInstalled } from './lockfile/installed.js';
export type {
  Lockfile,
  LockedPackage,
  SkippedDependency,
  SkipReason as DependencySkipReason,
} from './lockfile/types.js';
