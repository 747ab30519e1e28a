// The provisioning API: a tool id from versions.ts → a command on PATH that runs that exact
// version on the Node it needs. Packages live in the tool cache (tool-cache.ts); the shims that
// run them live in a per-process temp folder, because they name the Node running the tests.
import {
  existsSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  chmodSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { dependencyDir } from '../tools.js';
import { ensureCached, ProvisionError, toolCacheDir } from './tool-cache.js';
import { NODE_VERSIONS, TOOLS, TOOL_IDS, type ToolId, type ToolNode } from './versions.js';

export interface ProvisionedNode {
  /** `host` for the Node running the tests, else the provisioned major. */
  major: ToolNode;
  version: string;
  /** Absolute path of the `node` executable. */
  nodeBin: string;
}

export interface ProvisionedTool {
  id: ToolId;
  /** The command name: `npm`, `pnpm`, `yarn`, `changeset` or `node`. */
  command: string;
  version: string;
  /** The executable to run (a shim in binDir). */
  bin: string;
  /**
   * A folder to put first on PATH: holds the `command` shim (and `npx` for npm), plus a `node`
   * link when the tool needs a Node other than the host's, so the publisher's children see it too.
   */
  binDir: string;
  /** The Node the tool itself runs on (for a native tool: the host Node, used by its children). */
  node: ProvisionedNode;
  /** The installed package folder (in the cache, or node_modules for repository dependencies). */
  packageDir: string;
  /** Whether this call downloaded anything. */
  fetched: boolean;
}

export interface ProvisionOptions {
  /** Run the tool on another Node than the one versions.ts gives it. */
  node?: ToolNode;
  /** The cache folder (default `$PROVENANT_TOOL_CACHE` or `~/.cache/provenant-tools`). */
  cache?: string;
}

const HOST_NODE: ProvisionedNode = {
  major: 'host',
  version: process.versions.node,
  nodeBin: process.execPath,
};

/** The Node of a major (provisioned into the cache on first use), or the host Node. */
export async function nodeFor(major: ToolNode, cache = toolCacheDir()): Promise<ProvisionedNode> {
  if (major === 'host') return HOST_NODE;
  const source = NODE_VERSIONS[major];
  const { dir } = await ensureCached({ kind: 'pack', ...source }, cache);
  return { major, version: source.version, nodeBin: join(dir, 'bin', 'node') };
}

const shimDirs = new Map<string, string>();
let cleanupRegistered = false;

/** Provisions a tool (idempotent, lock-protected) and returns how to run it. */
export async function provisionTool(id: ToolId, options: ProvisionOptions = {}): Promise<ProvisionedTool> {
  if (!Object.hasOwn(TOOLS, id)) {
    throw new ProvisionError(`unknown tool "${String(id)}"; known: ${TOOL_IDS.join(', ')}`);
  }
  const spec = TOOLS[id];
  const cache = options.cache ?? toolCacheDir();
  const source = spec.source;
  let packageDir: string;
  let fetched = false;
  if (source.kind === 'dependency') {
    packageDir = dependencyDir(source.package, source.from);
    const installed = (
      JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string }
    ).version;
    if (installed !== source.version) {
      throw new ProvisionError(
        `${id}: node_modules holds ${source.package}@${installed}, versions.ts pins ${source.version}; update the pin`,
      );
    }
  } else {
    ({ dir: packageDir, fetched } = await ensureCached(source, cache));
    if (source.kind === 'install') packageDir = join(packageDir, 'node_modules', source.package);
  }
  const entry = join(packageDir, spec.entry);
  if (!existsSync(entry))
    throw new ProvisionError(`${id}: ${entry} is missing; delete ${packageDir} and retry`);

  const nodeMajor = options.node ?? spec.node;
  const node =
    spec.command === 'node'
      ? { major: nodeMajor, version: source.version, nodeBin: entry }
      : await nodeFor(nodeMajor, cache);
  const binDir = shimDirFor(id, spec, entry, node);
  return {
    id,
    command: spec.command,
    version: source.version,
    bin: join(binDir, spec.command),
    binDir,
    node,
    packageDir,
    fetched,
  };
}

/** Provisions several tools in order (each under its own lock). */
export async function provisionTools(
  ids: readonly ToolId[],
  options: ProvisionOptions = {},
): Promise<ProvisionedTool[]> {
  const tools: ProvisionedTool[] = [];
  for (const id of ids) tools.push(await provisionTool(id, options));
  return tools;
}

/**
 * `base` with the tools' bin folders first on PATH, in the order given (the first `node` link wins,
 * so list the tool whose Node the publisher's processes should see first).
 */
export function toolchainEnv(
  tools: readonly ProvisionedTool[],
  base: Record<string, string | undefined> = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) if (value !== undefined) env[key] = value;
  const path = [...tools.map((tool) => tool.binDir), base.PATH ?? ''].filter(Boolean).join(delimiter);
  return { ...env, PATH: path };
}

function shimDirFor(id: ToolId, spec: (typeof TOOLS)[ToolId], entry: string, node: ProvisionedNode): string {
  const key = `${id}:${node.nodeBin}`;
  const known = shimDirs.get(key);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), `provenant-${id}-`));
  shimDirs.set(key, dir);
  if (!cleanupRegistered) {
    cleanupRegistered = true;
    process.once('exit', () => {
      for (const shims of shimDirs.values()) rmSync(shims, { recursive: true, force: true });
    });
  }
  if (spec.command === 'node') {
    symlinkSync(entry, join(dir, 'node'));
  } else {
    if (node.major !== 'host') symlinkSync(node.nodeBin, join(dir, 'node'));
    const run = 'native' in spec && spec.native ? `"${entry}"` : `"${node.nodeBin}" "${entry}"`;
    writeShim(join(dir, spec.command), run);
    if (spec.command === 'npm')
      writeShim(join(dir, 'npx'), `"${node.nodeBin}" "${join(dirname(entry), 'npx-cli.js')}"`);
  }
  return dir;
}

function writeShim(path: string, command: string): void {
  writeFileSync(path, `#!/bin/sh\nexec ${command} "$@"\n`);
  chmodSync(path, 0o755);
}
