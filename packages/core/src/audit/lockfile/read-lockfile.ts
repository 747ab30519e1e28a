import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { messageOf } from '../../errors.js';
import { findJsonError } from '../../discover/json-position.js';
import { lockfileError } from './errors.js';
import { readInstalled } from './installed.js';
import { readNpmLock } from './npm-lock.js';
import { readPnpmLock } from './pnpm-lock.js';
import { dedupe, type Lockfile } from './types.js';
import { readYarnLock } from './yarn-lock.js';

/** In the order npm, pnpm and yarn would pick them. */
export const LOCKFILE_NAMES = ['npm-shrinkwrap.json', 'package-lock.json', 'pnpm-lock.yaml', 'yarn.lock'];

/** Lockfiles past this size are refused unread (the largest real ones are ~20 MB). */
export const MAX_LOCKFILE_BYTES = 128 * 1024 * 1024;

/** The folder at or above `start` that holds a lockfile (stops at a `.git`), or null. */
export function findLockfileDir(start: string): string | null {
  for (let dir = start; ; dir = dirname(dir)) {
    if (LOCKFILE_NAMES.some((name) => existsSync(join(dir, name)))) return dir;
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) return null;
  }
}

/**
 * Reads the project's lockfile (or, with `installed`, its node_modules) into
 * one de-duplicated list. Every failure is a LOCKFILE_INVALID naming the file
 * and, for syntax errors, the line.
 */
export function readProjectLockfile(
  start: string,
  options: { installed?: boolean } = {},
): {
  root: string;
  lockfile: Lockfile;
} {
  const root = findLockfileDir(start);
  if (root === null && !options.installed) {
    throw lockfileError(
      'lockfile',
      `no ${LOCKFILE_NAMES.join(', ')} in ${start} or above`,
      'Run provenant audit in a project with a lockfile (or pass --cwd), or use --installed to read node_modules.',
    );
  }
  const dir = root ?? start;
  const name = root === null ? null : LOCKFILE_NAMES.find((n) => existsSync(join(dir, n)))!;
  const lock = name === null ? null : readLockfileAt(dir, name);
  if (!options.installed) return { root: dir, lockfile: dedupe(lock!) };
  if (!existsSync(join(dir, 'node_modules'))) {
    throw lockfileError(
      'node_modules',
      `there is no node_modules folder in ${dir}`,
      'Install first, or drop --installed to read the lockfile.',
    );
  }
  return { root: dir, lockfile: dedupe(readInstalled(dir, lock)) };
}

export function readLockfileAt(dir: string, name: string): Lockfile {
  const path = join(dir, name);
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_LOCKFILE_BYTES) {
      throw lockfileError(name, `is ${size} bytes, more than the ${MAX_LOCKFILE_BYTES}-byte limit`);
    }
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    if (error instanceof Error && (error as { code?: string }).code === 'LOCKFILE_INVALID') throw error;
    throw lockfileError(name, `cannot be read: ${messageOf(error)}`);
  }
  if (name.endsWith('.json')) return readNpmLock(parseJson(text, name), name);
  if (name === 'pnpm-lock.yaml') return readPnpmLock(parseYamlText(text, name), name);
  if (/^# yarn lockfile v1/m.test(text.slice(0, 200))) {
    throw lockfileError(
      name,
      'is a yarn classic (v1) lockfile, which records no registry signatures to check against',
      'Upgrade to yarn berry (yarn set version stable && yarn install), or audit with --installed.',
    );
  }
  const doc = parseYamlText(text, name);
  return readYarnLock(doc, name, yarnProdRoots(dir, doc));
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = findJsonError(text);
    const at = where ? `line ${where.line}, column ${where.column}: ${where.reason}` : messageOf(error);
    throw lockfileError(file, `is not valid JSON (${at})`);
  }
}

function parseYamlText(text: string, file: string): unknown {
  try {
    return parseYaml(text, { uniqueKeys: false, maxAliasCount: 1000 }) as unknown;
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const reason = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw lockfileError(
        file,
        `is not valid YAML (${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${reason})`,
      );
    }
    throw lockfileError(file, `is not valid YAML (${messageOf(error)})`);
  }
}

/** yarn: descriptors the workspaces' package.json list in dependencies/optionalDependencies. */
function yarnProdRoots(dir: string, doc: unknown): Set<string> | undefined {
  const roots = new Set<string>();
  const manifest = (rel: string): Record<string, unknown> | null => {
    try {
      return JSON.parse(readFileSync(join(dir, rel, 'package.json'), 'utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  };
  const rootManifest = manifest('.');
  if (!rootManifest) return undefined;
  const folders = ['.'];
  const lock = (doc ?? {}) as Record<string, { resolution?: unknown } | null>;
  for (const entry of Object.values(lock)) {
    const m = typeof entry?.resolution === 'string' ? /@workspace:(.+)$/.exec(entry.resolution) : null;
    if (m && m[1] !== '.') folders.push(m[1]!);
  }
  for (const folder of folders) {
    const m = manifest(folder);
    for (const field of ['dependencies', 'optionalDependencies']) {
      for (const [name, range] of Object.entries((m?.[field] ?? {}) as Record<string, unknown>)) {
        const spec = String(range);
        roots.add(/^[a-z+]+:/.test(spec) ? `${name}@${spec}` : `${name}@npm:${spec}`);
      }
    }
  }
  return roots;
}
