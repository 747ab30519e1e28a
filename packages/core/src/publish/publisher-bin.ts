import { closeSync, openSync, readSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join } from 'node:path';

/**
 * Which executable really runs for a publisher command, and on which Node.
 *
 * - The command: the workspace's `node_modules/.bin/<cmd>` when it exists
 *   (a repository that pins its publisher as a dependency), else the first
 *   `<cmd>` on PATH (corepack's shim included: it then runs the
 *   `packageManager` version), else the bare name.
 * - Its Node: a JS publisher runs on the `node` it launches. That is a
 *   `node` beside the command when there is one (actions/setup-node installs
 *   npm, pnpm and yarn beside their Node; a tool cache can do the same), else
 *   an absolute interpreter in its `#!` line, else the first `node` on PATH
 *   (`#!/usr/bin/env node`). Never the Node running Provenant: npm 12,
 *   pnpm 11 and changesets 3 need Node 22, while Provenant runs on 20 too.
 */
export interface BinLookup {
  env: Readonly<Record<string, string | undefined>>;
  exists: (path: string) => boolean;
  /** The first bytes of a file (its `#!` line), null when unreadable. */
  readHead?: (path: string) => string | null;
}

export function findOnPath(command: string, lookup: BinLookup): string | null {
  const path = lookup.env.PATH ?? lookup.env.Path ?? '';
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, command);
    if (lookup.exists(candidate)) return candidate;
  }
  return null;
}

/** The executable for `command` in a workspace (absolute when found, else the bare name). */
export function resolvePublisherBin(root: string, command: string, lookup: BinLookup): string {
  const local = join(root, 'node_modules', '.bin', command);
  if (lookup.exists(local)) return local;
  return findOnPath(command, lookup) ?? command;
}

/** The `node` a publisher executable runs on (absolute, or `node` for PATH's). */
export function nodeForBin(bin: string, lookup: BinLookup): string {
  if (isAbsolute(bin)) {
    const beside = join(dirname(bin), 'node');
    if (lookup.exists(beside)) return beside;
    const head = (lookup.readHead ?? readHead)(bin);
    const interpreter = head === null ? null : shebangInterpreter(head);
    if (interpreter !== null && interpreter !== 'node') return interpreter;
  }
  return findOnPath('node', lookup) ?? 'node';
}

/** `#!/usr/bin/env node` → `node`; `#!/opt/node/bin/node --flag` → that path; else null. */
export function shebangInterpreter(head: string): string | null {
  const line = head.split('\n', 1)[0] ?? '';
  if (!line.startsWith('#!')) return null;
  const words = line.slice(2).trim().split(/\s+/);
  const [first, ...rest] = words;
  if (first === undefined) return null;
  if (/(^|\/)env$/.test(first)) {
    const program = rest.find((w) => !w.startsWith('-'));
    return program !== undefined && /(^|\/)node$/.test(program) ? program : null;
  }
  return /(^|\/)node$/.test(first) ? first : null;
}

function readHead(path: string): string | null {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const buffer = Buffer.alloc(256);
    const read = readSync(fd, buffer, 0, buffer.length, 0);
    return buffer.subarray(0, read).toString('latin1');
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * The version of an npm whose binary resolves into its own package
 * (`…/node_modules/npm/bin/npm-cli.js`, as Node's installers lay it out), read
 * from that package's manifest instead of starting npm for `--version` (a whole
 * npm start-up, and a child process forked from ours). Null for anything else
 * — a wrapper script, a corepack shim, an unreadable manifest —: ask the binary.
 */
export function npmVersionFromPackage(
  bin: string,
  realpath: (path: string) => string,
  readFile: (path: string) => string | null,
): string | null {
  let target: string;
  try {
    target = realpath(bin);
  } catch {
    return null;
  }
  const match = /^(.*[\\/]node_modules[\\/]npm)[\\/]bin[\\/]npm-cli\.js$/.exec(target);
  if (!match?.[1]) return null;
  try {
    const manifest = JSON.parse(readFile(join(match[1], 'package.json')) ?? 'null') as {
      name?: unknown;
      version?: unknown;
    } | null;
    return manifest?.name === 'npm' &&
      typeof manifest.version === 'string' &&
      /^\d+\.\d+\.\d+/.test(manifest.version)
      ? manifest.version
      : null;
  } catch {
    return null;
  }
}
