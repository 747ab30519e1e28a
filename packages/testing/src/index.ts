// @provenant/testing — the local rig: a real registry, a local Sigstore, CI environments,
// pinned publishers and fixture monorepos, for end-to-end tests, the demo and benchmarks.

export { startRegistry, type Registry, type StartRegistryOptions } from './registry/start-registry.js';
export type { RegistryFeatures } from './registry/verdaccio-config.js';
export {
  writeNpmrc,
  writeYarnrc,
  npmrcLines,
  nerfDart,
  type RegistryAuth,
  type RegistryTarget,
} from './registry/npmrc.js';
export type { TrustedPublishingControls } from './registry/trusted-publishing/rig-controls.js';
export type { ExchangeOverride } from './registry/trusted-publishing/trust-settings.js';
export type { TrustedPublishingEvent } from './registry/trusted-publishing/exchange-service.js';
export {
  type TrustedPublisher,
  type GitHubTrustedPublisher,
  type GitLabTrustedPublisher,
  type StoredTrustedPublisher,
  type TrustedPublisherAction,
} from './registry/trusted-publishing/trusted-publisher.js';
export { REGISTRY_MESSAGES } from './registry/trusted-publishing/registry-answers.js';
export {
  GITHUB_OIDC_ISSUER,
  GITLAB_OIDC_ISSUER,
  decodeIdToken,
} from './registry/trusted-publishing/id-token-check.js';
export {
  prepublish,
  escapePackageName,
  type PrepublishSpec,
  type PrepublishResult,
} from './registry/prepublish.js';
export { packTarball, tarballDigests, type TarballDigests } from './registry/tarball.js';
export { npmKeyId, type NpmKey, type NpmKeysDocument } from './registry/npm-keys.js';

export { startSigstore, type Sigstore, type StartSigstoreOptions } from './sigstore/start-sigstore.js';
export {
  GITHUB_ISSUER,
  githubIdTokenClaims,
  resolveGitHubIdentity,
  encodeRequestToken,
  type GitHubIdentity,
  type JwksDocument,
} from './sigstore/id-token.js';
export {
  GITLAB_ISSUER,
  gitlabIdTokenClaims,
  resolveGitLabIdentity,
  type GitLabIdentity,
} from './sigstore/gitlab-id-token.js';
export { FULCIO_OIDS } from './sigstore/fulcio-extensions.js';
export {
  loadTrustMaterial,
  verifyBundle,
  decodeStatement,
  signingCertificateClaims,
  npmKeysToPublicKeys,
  type TrustFiles,
  type InTotoStatement,
} from './sigstore/verify-bundle.js';

export {
  githubActionsEnv,
  gitlabCiEnv,
  sigstoreProxyEnv,
  cleanEnv,
  type GitHubActionsEnvOptions,
  type GitLabCiEnvOptions,
  type SigstoreEndpoints,
} from './ci-env.js';
export {
  npmBin,
  pnpmBin,
  yarnBin,
  changesetBin,
  toolVersions,
  toolShimDir,
  toolPathEnv,
  run,
  type RunOptions,
  type RunResult,
} from './tools.js';
export { makeWorkspace, type FixturePackage, type WorkspaceSpec, type Workspace } from './workspace.js';
export { makeTempDir, removeDir } from './temp-dir.js';
export {
  startFixtureRegistry,
  FIXTURE_PACKAGES,
  type FixtureRegistry,
  type FixtureRegistryOptions,
  type FixtureTable,
  type FixtureVersion,
  type RawAnswer,
} from './fixture-registry/fixture-registry.js';
export {
  startFaultProxy,
  isLoopbackHost,
  decideFault,
  seededUnit,
  FAULT_KINDS,
  WRITE_SAFE_KINDS,
  type FaultProxy,
  type FaultProxyOptions,
  type FaultStats,
  type FaultKind,
  type InjectedFault,
  type UpstreamAnswer,
} from './fault-proxy/index.js';
export {
  provisionTool,
  provisionTools,
  nodeFor,
  toolchainEnv,
  type ProvisionedTool,
  type ProvisionedNode,
  type ProvisionOptions,
} from './provision/provision.js';
export { ProvisionError, toolCacheDir, isCached } from './provision/tool-cache.js';
export {
  TOOLS,
  TOOL_IDS,
  NODE_VERSIONS,
  isToolId,
  type ToolId,
  type ToolNode,
  type NodeMajor,
} from './provision/versions.js';
