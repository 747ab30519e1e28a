import { basename, dirname, isAbsolute, join } from 'node:path';
import type { ExecFn } from '../context.js';
import { problem, type Problem } from '../problems.js';
import type { PublisherName } from '../report/types.js';
import { findOnPath, nodeForBin, npmVersionFromPackage, resolvePublisherBin } from './publisher-bin.js';
import { choosePublisher, readPublisherFacts } from './publisher-facts.js';
import type { PublisherVersion } from './switches.js';

export type PublisherRequest = 'auto' | PublisherName;

export {
  choosePublisher,
  readPublisherFacts,
  type PublisherChoice,
  type PublisherFacts,
} from './publisher-facts.js';

export interface DetectedPublisher extends PublisherVersion {
  yarnFlavor: 'berry' | 'classic' | null;
  /** The executable Provenant runs (absolute when found in node_modules/.bin or on PATH). */
  bin?: string;
  /** The Node the publisher runs on (its version null when it could not be run). */
  node?: { bin: string; version: string | null };
}

export interface PublisherDetection {
  /** null when the publisher's binary could not be run. */
  publisher: DetectedPublisher | null;
  /** The npm that uploads (for pnpm ≤ 10: the one beside pnpm's Node); provenance and trusted publishing depend on it. */
  npmVersion: string | null;
  problems: Problem[];
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
  /** PATH decides which publisher runs; default: no PATH lookup (bare names). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The `#!` line of an executable (tests pass a fake). */
  readHead?: (path: string) => string | null;
  timeoutMs?: number;
  /** The Node running this process (Context's `runningNode`): its version needs no child. */
  runningNode?: { path: string; version: string } | undefined;
  /**
   * A binary's real path: recognises `runningNode` behind a symlink, and an npm that
   * resolves into its own package (its version read from its manifest, no child).
   */
  realpath?: (path: string) => string;
}

function realpathOr(path: string, realpath: ((path: string) => string) | undefined): string | null {
  try {
    return realpath ? realpath(path) : path;
  } catch {
    return null;
  }
}

/** `pnpm@9.15.9+sha512.…` → { name, version }; null for anything else. */
export function parsePackageManager(field: string | null): { name: string; version: string } | null {
  const match = /^(npm|pnpm|yarn|bun)@(\d+\.\d+\.\d+[^+\s]*)/.exec(field ?? '');
  return match?.[1] && match[2] ? { name: match[1], version: match[2] } : null;
}

/**
 * Detects the publisher that will really run (see publisher-bin.ts), its
 * version (`<bin> --version` through the injected exec; tests pass a fake),
 * the Node it runs on, and the npm that uploads.
 */
export async function detectPublisher(input: DetectPublisherInput): Promise<PublisherDetection> {
  const facts = readPublisherFacts(input.root, input.rootManifest, input.exists);
  const choice = choosePublisher(facts, input.requested ?? 'auto');
  const lookup = { env: input.env ?? {}, exists: input.exists, readHead: input.readHead };
  // each binary is asked once (the npm that uploads is often the publisher itself)
  const versions = new Map<string, Promise<string | null>>();
  const versionOf = (bin: string): Promise<string | null> => {
    let known = versions.get(bin);
    if (!known) versions.set(bin, (known = askVersion(bin)));
    return known;
  };
  const askVersion = async (bin: string): Promise<string | null> => {
    const node = input.runningNode;
    if (node && isAbsolute(bin)) {
      const self = realpathOr(node.path, input.realpath);
      if (self !== null && realpathOr(bin, input.realpath) === self) return parseVersionOutput(node.version);
    }
    const installed =
      input.realpath && basename(bin) === 'npm'
        ? npmVersionFromPackage(bin, input.realpath, input.readFile)
        : null;
    if (installed) return installed;
    const result = await input.exec(bin, ['--version'], {
      cwd: input.root,
      // corepack must not stop to ask whether it may download a package manager.
      env: { COREPACK_ENABLE_DOWNLOAD_PROMPT: '0' },
      timeoutMs: input.timeoutMs ?? 20_000,
    });
    if (result.failedToStart !== undefined || result.exitCode !== 0) return null;
    return parseVersionOutput(result.stdout);
  };
  const nodeOf = async (bin: string) => {
    const nodeBin = nodeForBin(bin, lookup);
    return { bin: nodeBin, version: await versionOf(nodeBin) };
  };
  /** pnpm ≤ 10 hands the upload to the npm beside the Node running it, else PATH's. */
  const npmBesideNode = (nodeBin: string) => {
    const beside = join(dirname(nodeBin), 'npm');
    return isAbsolute(nodeBin) && input.exists(beside) ? beside : (findOnPath('npm', lookup) ?? 'npm');
  };
  const pathNpm = findOnPath('npm', lookup) ?? 'npm';
  const problems: Problem[] = [];
  const pm = parsePackageManager(facts.packageManager);
  const notFound = (bin: string, command: string, hint: string) => {
    const named =
      pm?.name === command ? ` (package.json's packageManager names ${pm.name}@${pm.version})` : '';
    problems.push(
      problem(
        'PUBLISHER_NOT_FOUND',
        'error',
        `Could not run \`${bin} --version\` in ${input.root}${named}.`,
        pm?.name === command
          ? `Install ${pm.name}@${pm.version}: \`corepack enable && corepack install\`, or \`npm i -g ${pm.name}@${pm.version}\`.`
          : hint,
      ),
    );
  };
  /** A packageManager version that is not the one running is reported, by name. */
  const comparePackageManager = (command: string, bin: string, version: string) => {
    if (pm?.name !== command || pm.version === version) return;
    problems.push(
      problem(
        'PACKAGE_MANAGER_MISMATCH',
        'warning',
        `package.json's packageManager names ${pm.name}@${pm.version}, but ${bin} is ${command} ${version}: ${pm.version} is not installed here. Provenant publishes with ${version}.`,
        `Install ${pm.name}@${pm.version} (\`corepack enable\`, or \`npm i -g ${pm.name}@${pm.version}\`), or update packageManager.`,
      ),
    );
  };

  let publisher: DetectedPublisher | null = null;
  let npmBin = pathNpm;
  switch (choice.name) {
    case 'npm': {
      const bin = resolvePublisherBin(input.root, 'npm', lookup);
      npmBin = bin;
      const version = await versionOf(bin);
      if (version) {
        comparePackageManager('npm', bin, version);
        publisher = { name: 'npm', version, yarnFlavor: null, bin, node: await nodeOf(bin) };
      } else
        notFound(
          bin,
          'npm',
          'Install Node.js with npm (actions/setup-node does), or choose another --publisher.',
        );
      break;
    }
    case 'pnpm': {
      const bin = resolvePublisherBin(input.root, 'pnpm', lookup);
      const version = await versionOf(bin);
      if (version) {
        comparePackageManager('pnpm', bin, version);
        const node = await nodeOf(bin);
        npmBin = npmBesideNode(node.bin);
        publisher = { name: 'pnpm', version, yarnFlavor: null, bin, node };
      } else
        notFound(
          bin,
          'pnpm',
          'Install pnpm before running provenant (pnpm/action-setup, or `npm i -g pnpm@10`).',
        );
      break;
    }
    case 'yarn': {
      const bin = resolvePublisherBin(input.root, 'yarn', lookup);
      const version = await versionOf(bin);
      if (version) {
        comparePackageManager('yarn', bin, version);
        publisher = {
          name: 'yarn',
          version,
          yarnFlavor: Number(version.split('.')[0]) >= 2 ? 'berry' : 'classic',
          bin,
          node: await nodeOf(bin),
        };
      } else {
        notFound(
          bin,
          'yarn',
          'Enable yarn before running provenant (`corepack enable`, or `npm i -g @yarnpkg/cli-dist@4`).',
        );
      }
      break;
    }
    case 'changesets': {
      // a dependency of the repository: the root's node_modules only (PATH's would be another install)
      const bin = join(input.root, 'node_modules', '.bin', 'changeset');
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
      version ??= await versionOf(bin);
      // changesets 3 publishes yarn repos with `yarn npm publish`; 2.x with npm.
      const major = Number(version?.split('.')[0] ?? 0);
      const yarnRepo = facts.yarnLock || pm?.name === 'yarn';
      const delegateName = choice.delegate === 'pnpm' ? 'pnpm' : major >= 3 && yarnRepo ? 'yarn' : 'npm';
      // changesets runs its child from PATH
      const delegateBin = findOnPath(delegateName, lookup) ?? delegateName;
      const delegateVersion = await versionOf(delegateBin);
      if (delegateName === 'pnpm' && delegateVersion) npmBin = npmBesideNode(nodeForBin(delegateBin, lookup));
      if (delegateName === 'npm') npmBin = delegateBin;
      if (delegateVersion) comparePackageManager(delegateName, delegateBin, delegateVersion);
      if (version) {
        publisher = {
          name: 'changesets',
          version,
          delegate: { name: delegateName, version: delegateVersion },
          yarnFlavor: null,
          bin,
          node: await nodeOf(bin),
        };
      } else if (delegateVersion) {
        notFound(
          bin,
          'changeset',
          'Install the root dependencies first (`@changesets/cli` must be in node_modules).',
        );
      }
      // One cause, one problem: without the delegate the root dependencies cannot be installed either.
      if (!delegateVersion)
        notFound(
          version ? delegateBin : `${delegateBin} --version\` nor \`changeset`,
          delegateName,
          `changesets publishes with ${delegateName}; install it before running provenant${version ? '' : ', then the root dependencies (`@changesets/cli` must be in node_modules)'}.`,
        );
      break;
    }
  }
  return { publisher, npmVersion: await versionOf(npmBin), problems };
}
