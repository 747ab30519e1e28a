// Moved to the one e2e rig helper, test/helpers/rig.ts: import from there. These re-exports keep
// branches written against the old path compiling until they merge.
import type { FixturePackage } from '../../packages/testing/dist/index.js';
import { fixture, type Rig } from '../helpers/rig.js';

export {
  filesUnder,
  gitStatus,
  manyPackages,
  secretLeaks,
  STACK_TRACE,
  stored,
  storedTarballs,
  type StoredPackage,
} from '../helpers/rig.js';

/** @deprecated `fixture(rig, { packages, manager, files }, { registryUrl })` from test/helpers/rig.ts. */
export function monorepo(
  rig: Rig,
  packages: FixturePackage[],
  options: { registryUrl?: string; manager?: 'npm' | 'pnpm'; files?: Record<string, string> } = {},
): Promise<string> {
  const { registryUrl, ...spec } = options;
  return fixture(
    rig,
    { packages, ...spec },
    { label: 'reliability', ...(registryUrl ? { registryUrl } : {}) },
  );
}
