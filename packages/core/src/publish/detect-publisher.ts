import { join } from 'node:path';
import type { ExecFn } from '../context.js';
import { problem, type Problem } from '../problems.js';
import type { PublisherName } from '../report/types.js';
import type { PublisherVersion } from './switches.js';

export type PublisherRequest = 'auto' | PublisherName;

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

export interface DetectedPublisher extends PublisherVersion {
  yarnFlavor: 'berry' | 'classic' | null;
}

export interface PublisherDetection {
  /** null when the publisher's binary could not be run. */
  publisher: DetectedPublisher | null;
  /** `npm --version`, whatever the publisher (provenance and trusted publishing depend on it). */
  npmVersion: string | null;
  problems: Problem[];
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

export function parseVersionOutput(stdout: string): string | null {
  return /(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)/.exec(stdout)?.[1] ?? null;
}

export interface DetectPublisherInput {
  root: string;
  rootManifest: Record<string, unknown>;
  requested?: PublisherRequest;
  exec: ExecFn;
  exists: (path: string) => boolean;
  readFile: (path: string) => string | null;
  timeoutMs?: number;
}

/**
 * Detects the publisher and its version by running `<bin> --version` through
 * the injected exec (tests pass a fake), plus `npm --version`.
 */
export async function detectPublisher(input: DetectPublisherInput): Promise<PublisherDetection> {
  const choice = choosePublisher(
    readPublisherFacts(input.root, input.rootManifest, input.exists),
    input.requested ?? 'auto',
  );
  const versionOf = async (bin: string): Promise<string | null> => {
    const result = await input.exec(bin, ['--version'], {
      cwd: input.root,
      // corepack must not stop to ask whether it may download a package manager.
      env: { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' },
      timeoutMs: input.timeoutMs ?? 20_000,
    });
    if (result.failedToStart !== undefined || result.exitCode !== 0) return null;
    return parseVersionOutput(result.stdout);
  };
  const npmVersion = await versionOf('npm');
  const problems: Problem[] = [];
  const notFound = (bin: string, hint: string) =>
    problems.push(
      problem('PUBLISHER_NOT_FOUND', 'error', `Could not run \`${bin} --version\` in ${input.root}.`, hint),
    );

  let publisher: DetectedPublisher | null = null;
  switch (choice.name) {
    case 'npm':
      if (npmVersion) publisher = { name: 'npm', version: npmVersion, yarnFlavor: null };
      else
        notFound('npm', 'Install Node.js with npm (actions/setup-node does), or choose another --publisher.');
      break;
    case 'pnpm': {
      const version = await versionOf('pnpm');
      if (version) publisher = { name: 'pnpm', version, yarnFlavor: null };
      else
        notFound('pnpm', 'Install pnpm before running provenant (pnpm/action-setup, or `npm i -g pnpm@9`).');
      break;
    }
    case 'yarn': {
      const version = await versionOf('yarn');
      if (version) {
        publisher = {
          name: 'yarn',
          version,
          yarnFlavor: Number(version.split('.')[0]) >= 2 ? 'berry' : 'classic',
        };
      } else {
        notFound(
          'yarn',
          'Enable yarn before running provenant (`corepack enable`, or `npm i -g @yarnpkg/cli-dist@4`).',
        );
      }
      break;
    }
    case 'changesets': {
      const fromManifest = input.readFile(
        join(input.root, 'node_modules', '@changesets', 'cli', 'package.json'),
      );
      let version: string | null = null;
      if (fromManifest) {
        try {
          const v = (JSON.parse(fromManifest.replace(/^\uFEFF/, '')) as { version?: unknown }).version;
          version = typeof v === 'string' ? v : null;
        } catch {
          version = null;
        }
      }
      version ??= await versionOf(join(input.root, 'node_modules', '.bin', 'changeset'));
      const delegateName = choice.delegate ?? 'npm';
      const delegateVersion = delegateName === 'pnpm' ? await versionOf('pnpm') : npmVersion;
      if (version) {
        publisher = {
          name: 'changesets',
          version,
          delegate: { name: delegateName, version: delegateVersion },
          yarnFlavor: null,
        };
      } else if (delegateVersion) {
        notFound(
          'changeset',
          'Install the root dependencies first (`@changesets/cli` must be in node_modules).',
        );
      }
      // One cause, one problem: without the delegate the root dependencies cannot be installed either.
      if (!delegateVersion)
        notFound(
          version ? delegateName : `${delegateName} --version\` nor \`changeset`,
          `changesets publishes with ${delegateName}; install it before running provenant${version ? '' : ', then the root dependencies (`@changesets/cli` must be in node_modules)'}.`,
        );
      break;
    }
  }
  return { publisher, npmVersion, problems };
}
