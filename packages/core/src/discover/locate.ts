import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { getPackages } from '@manypkg/get-packages';
import { ProvenantError } from '../errors.js';
import { createMatcher } from './glob.js';
import { parseManifest } from './manifest.js';
import type { PackageManifest, WorkspaceTool } from './types.js';

/** Where the workspace is and which folders hold its packages. */
export interface WorkspaceLocation {
  rootDir: string;
  tool: WorkspaceTool;
  /** Absolute package folders (for a single-package repo: the root itself). */
  packageDirs: string[];
}

const KNOWN_TOOLS: ReadonlySet<string> = new Set(['npm', 'pnpm', 'yarn', 'lerna', 'bun', 'rush', 'root']);

/**
 * Finds the workspace with manypkg, the ecosystem's reference for "which tool
 * and which folders". We fall back to our own reading of the same markers when
 * manypkg cannot answer: it parses manifests with a bare `JSON.parse` (a BOM
 * or a syntax error fails without naming the file), it refuses nameless
 * private packages, and it needs `package-lock.json` to see npm workspaces.
 */
export async function locateWorkspace(cwd: string): Promise<WorkspaceLocation> {
  const start = resolve(cwd);
  let stat;
  try {
    stat = statSync(start);
  } catch {
    throw new ProvenantError('NO_WORKSPACE', `The folder ${start} does not exist.`, {
      hint: 'Pass --cwd with the monorepo root (or any folder inside it).',
    });
  }
  if (!stat.isDirectory()) {
    throw new ProvenantError('NO_WORKSPACE', `${start} is not a folder.`, {
      hint: 'Pass --cwd with the monorepo root (or any folder inside it).',
    });
  }

  const own = locateRoot(start);
  if (own.tool === 'root') return { rootDir: own.rootDir, tool: 'root', packageDirs: [own.rootDir] };
  try {
    const found = await getPackages(own.rootDir);
    const tool = found.tool.type;
    // manypkg walks up past the repository's top; keep its answer only when it agrees on the root.
    if (resolve(found.rootDir) === own.rootDir && KNOWN_TOOLS.has(tool) && tool !== 'root') {
      return {
        rootDir: own.rootDir,
        tool: tool as WorkspaceTool,
        packageDirs: found.packages.map((p) => resolve(p.dir)).sort(),
      };
    }
  } catch {
    // Our own expansion below reads every manifest again and names the offending file.
  }
  return { rootDir: own.rootDir, tool: own.tool, packageDirs: expandWorkspaceGlobs(own.rootDir, own.globs) };
}

function noWorkspace(start: string): ProvenantError {
  return new ProvenantError('NO_WORKSPACE', `No package.json in ${start} or any folder above it.`, {
    hint: 'Run provenant inside a JavaScript project, or pass --cwd <repo root>.',
  });
}

function readManifestIfAny(dir: string): PackageManifest | null {
  const file = join(dir, 'package.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return parseManifest(text, file);
}

function workspaceGlobs(manifest: PackageManifest | null): string[] | null {
  const ws = manifest?.workspaces;
  if (Array.isArray(ws)) return ws.filter((g): g is string => typeof g === 'string');
  if (ws && typeof ws === 'object' && Array.isArray((ws as { packages?: unknown }).packages)) {
    return (ws as { packages: unknown[] }).packages.filter((g): g is string => typeof g === 'string');
  }
  return null;
}

/** Reads `packages:` from pnpm-workspace.yaml (block or flow list) without a YAML dependency. */
export function pnpmWorkspaceGlobs(text: string): string[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const unquote = (s: string) => s.trim().replace(/^(['"])(.*)\1$/, '$2');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^packages\s*:\s*(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const rest = m[1]!.replace(/\s+#.*$/, '').trim();
    if (rest.startsWith('[')) {
      return rest
        .replace(/^\[|\]$/g, '')
        .split(',')
        .map(unquote)
        .filter(Boolean);
    }
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (/^\s*(#.*)?$/.test(line)) continue;
      const item = /^\s+-\s*(.+?)\s*(?:\s#.*)?$/.exec(line);
      if (!item) break;
      out.push(unquote(item[1]!));
    }
    return out;
  }
  return out;
}

interface RootGuess {
  rootDir: string;
  tool: WorkspaceTool;
  globs: string[];
}

/**
 * The nearest workspace root at or above `start`, not above the repository's
 * top (a folder with `.git`); else the nearest package.json (a single package).
 */
function locateRoot(start: string): RootGuess {
  let nearestPackage: string | null = null;
  for (let dir = start; ; dir = dirname(dir)) {
    const manifest = readManifestIfAny(dir);
    if (manifest && nearestPackage === null) nearestPackage = dir;
    const pnpmFile = join(dir, 'pnpm-workspace.yaml');
    if (existsSync(pnpmFile)) {
      const globs = pnpmWorkspaceGlobs(readFileSync(pnpmFile, 'utf8'));
      return { rootDir: dir, tool: 'pnpm', globs };
    }
    const globs = workspaceGlobs(manifest);
    if (globs) {
      const tool: WorkspaceTool =
        existsSync(join(dir, 'yarn.lock')) || existsSync(join(dir, '.yarnrc.yml'))
          ? 'yarn'
          : existsSync(join(dir, 'bun.lock')) || existsSync(join(dir, 'bun.lockb'))
            ? 'bun'
            : 'npm';
      return { rootDir: dir, tool, globs };
    }
    const lernaFile = join(dir, 'lerna.json');
    if (existsSync(lernaFile) && manifest) {
      const lerna = parseManifest(readFileSync(lernaFile, 'utf8'), lernaFile);
      const lernaGlobs = Array.isArray(lerna.packages)
        ? lerna.packages.filter((g): g is string => typeof g === 'string')
        : ['packages/*'];
      return { rootDir: dir, tool: 'lerna', globs: lernaGlobs };
    }
    // The repository's top: a workspace root above it would be another project.
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
  }
  if (nearestPackage === null) throw noWorkspace(start);
  return { rootDir: nearestPackage, tool: 'root', globs: [] };
}

/** Folders under `rootDir` matching workspace globs that hold a package.json, sorted. */
export function expandWorkspaceGlobs(rootDir: string, globs: readonly string[]): string[] {
  const patterns = globs.map((g) => {
    const negated = g.startsWith('!');
    const body = (negated ? g.slice(1) : g).replace(/^\.\//, '').replace(/\/+$/, '');
    return negated ? `!${body}` : body;
  });
  const includes = patterns.filter((p) => !p.startsWith('!'));
  if (includes.length === 0) return [];
  const matches = createMatcher(patterns);
  const maxDepth = includes.some((p) => p.includes('**'))
    ? Infinity
    : Math.max(...includes.map((p) => p.split('/').length));
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > maxDepth) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name === '.git') continue;
      const abs = join(dir, entry.name);
      const rel = relative(rootDir, abs).split(sep).join('/');
      if (matches(rel) && existsSync(join(abs, 'package.json'))) found.push(abs);
      walk(abs, depth + 1);
    }
  };
  walk(rootDir, 1);
  return found.sort();
}
