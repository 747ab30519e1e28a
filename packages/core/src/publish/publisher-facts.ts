import { join } from 'node:path';
import type { PublisherName } from '../report/types.js';
import type { PublisherRequest } from './detect-publisher.js';

/** What the repository says about its publisher, read before running anything. */
export interface PublisherFacts {
  /** `.changeset/` exists at the root. */
  changesetDir: boolean;
  /** `@changesets/cli` is a root dependency or devDependency. */
  changesetsCli: boolean;
  /** The root `packageManager` field, e.g. `pnpm@9.15.9`. */
  packageManager: string | null;
  pnpmLock: boolean;
  yarnLock: boolean;
  yarnrcYml: boolean;
}

export interface PublisherChoice {
  name: PublisherName;
  /** changesets only. */
  delegate: 'npm' | 'pnpm' | null;
  /** yarn only: from the lockfile/packageManager guess; the version decides in the end. */
  yarnFlavor: 'berry' | 'classic' | null;
}

export function readPublisherFacts(
  root: string,
  rootManifest: Record<string, unknown>,
  exists: (path: string) => boolean,
): PublisherFacts {
  const deps = {
    ...(rootManifest.dependencies as object | undefined),
    ...(rootManifest.devDependencies as object | undefined),
  };
  return {
    changesetDir: exists(join(root, '.changeset')),
    changesetsCli: '@changesets/cli' in deps,
    packageManager: typeof rootManifest.packageManager === 'string' ? rootManifest.packageManager : null,
    pnpmLock: exists(join(root, 'pnpm-lock.yaml')),
    yarnLock: exists(join(root, 'yarn.lock')),
    yarnrcYml: exists(join(root, '.yarnrc.yml')),
  };
}

/**
 * Pure: which publisher `auto` means. changesets when `.changeset/` exists and
 * `@changesets/cli` is a dependency; else the `packageManager` field; else
 * the lockfile (`pnpm-lock.yaml` → pnpm, `yarn.lock` with `.yarnrc.yml` →
 * yarn berry, `yarn.lock` alone → yarn classic); else npm.
 */
export function choosePublisher(
  facts: PublisherFacts,
  requested: PublisherRequest = 'auto',
): PublisherChoice {
  const pm = /^(npm|pnpm|yarn|bun)@(\d+)/.exec(facts.packageManager ?? '');
  const pmName = pm?.[1] ?? null;
  const pmMajor = pm ? Number(pm[2]) : null;
  const pnpmRepo = facts.pnpmLock || pmName === 'pnpm';
  const yarnFlavor = (): 'berry' | 'classic' =>
    pmName === 'yarn' && pmMajor !== null
      ? pmMajor >= 2
        ? 'berry'
        : 'classic'
      : facts.yarnrcYml
        ? 'berry'
        : 'classic';

  const resolved: PublisherName =
    requested !== 'auto'
      ? requested
      : facts.changesetDir && facts.changesetsCli
        ? 'changesets'
        : pmName === 'pnpm' || pmName === 'yarn' || pmName === 'npm'
          ? pmName
          : pmName === null && facts.pnpmLock
            ? 'pnpm'
            : pmName === null && facts.yarnLock
              ? 'yarn'
              : 'npm';
  return {
    name: resolved,
    // changesets switches to pnpm only for a pnpm lockfile or packageManager (RIG.md).
    delegate: resolved === 'changesets' ? (pnpmRepo ? 'pnpm' : 'npm') : null,
    yarnFlavor: resolved === 'yarn' ? yarnFlavor() : null,
  };
}
