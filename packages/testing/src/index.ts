export { startRegistry, type Registry, type StartRegistryOptions } from './registry/start-registry.js';
export type { RegistryFeatures } from './registry/verdaccio-config.js';
export { writeNpmrc, writeYarnrc, npmrcLines, nerfDart, type RegistryAuth } from './registry/npmrc.js';
export {
  prepublish,
  escapePackageName,
  type PrepublishSpec,
  type PrepublishResult,
} from './registry/prepublish.js';
export { packTarball, tarballDigests, type TarballDigests } from './registry/tarball.js';
export { npmKeyId, type NpmKey, type NpmKeysDocument } from './registry/npm-keys.js';
export { makeTempDir, removeDir } from './temp-dir.js';
