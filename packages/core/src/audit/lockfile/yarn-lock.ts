import semver from 'semver';
import { classifyResolved } from './classify.js';
import { lockfileError } from './errors.js';
import type { LockedPackage, Lockfile, SkipReason, SkippedDependency } from './types.js';

interface YarnEntry {
  version?: unknown;
  resolution?: unknown;
  dependencies?: Record<string, unknown>;
}

/**
 * yarn berry's `yarn.lock` (`__metadata.version` 4 and later). Its checksums
 * are yarn's own (of the zip it stores), so no npm integrity comes from here:
 * the registry's `dist.integrity` is what gets verified. Yarn classic (v1)
 * lockfiles are not YAML and are refused before this is called.
 */
export function readYarnLock(doc: unknown, file: string, prodRoots?: ReadonlySet<string>): Lockfile {
  const lock = (doc ?? {}) as Record<string, YarnEntry>;
  const metadata = lock.__metadata;
  const version = Number(metadata?.version);
  if (!Number.isInteger(version) || version < 4) {
    throw lockfileError(
      file,
      `__metadata.version ${JSON.stringify(metadata?.version ?? null)} is not a yarn berry lockfile (4 or later)`,
      'Run `yarn install` with yarn 3 or 4 to rewrite the lockfile.',
    );
  }
  const devOf = prodRoots ? devClosure(lock, prodRoots) : () => false;
  const packages: LockedPackage[] = [];
  const skipped: SkippedDependency[] = [];
  for (const [key, entry] of Object.entries(lock)) {
    if (key === '__metadata' || !entry || typeof entry !== 'object') continue;
    const resolution = typeof entry.resolution === 'string' ? entry.resolution : null;
    const parsed = resolution ? splitResolution(resolution) : null;
    if (!parsed) throw lockfileError(file, `the entry ${JSON.stringify(key)} has no readable "resolution"`);
    // Workspaces are the project itself, never "only a devDependency".
    const dev = parsed.protocol === 'workspace:' ? false : devOf(key);
    if (parsed.protocol === 'npm:') {
      const exact = parsed.rest.replace(/::.*$/, '');
      if (semver.valid(exact) === null) {
        throw lockfileError(file, `${JSON.stringify(resolution)} names no valid version`);
      }
      packages.push({ name: parsed.name, version: exact, integrity: null, dev });
      continue;
    }
    const reason: SkipReason =
      parsed.protocol === 'workspace:'
        ? 'workspace'
        : parsed.protocol === 'patch:'
          ? 'patch'
          : (classifyResolved(`${parsed.protocol}${parsed.rest}`, parsed.name) ?? 'tarball');
    if (parsed.protocol === 'workspace:' && parsed.rest === '.') continue; // the project itself
    skipped.push({ name: parsed.name, spec: `${parsed.protocol}${parsed.rest}`, reason, dev });
  }
  return { kind: 'yarn', file, packages, skipped };
}

/** `@scope/name@npm:1.2.3` → name, protocol (`npm:`), rest. */
export function splitResolution(text: string): { name: string; protocol: string; rest: string } | null {
  const at = text.indexOf('@', text.startsWith('@') ? 1 : 0);
  if (at <= 0) return null;
  const name = text.slice(0, at);
  const tail = text.slice(at + 1);
  const colon = /^([a-z+]+:)/.exec(tail);
  if (!colon) return null;
  return { name, protocol: colon[1]!, rest: tail.slice(colon[1]!.length) };
}

/**
 * Which lockfile entries only devDependencies reach. `prodRoots` are the
 * descriptors (`name@npm:^1.0.0`) the workspaces list in dependencies or
 * optionalDependencies; entries reached from them are prod, the rest dev.
 */
function devClosure(
  lock: Record<string, YarnEntry>,
  prodRoots: ReadonlySet<string>,
): (key: string) => boolean {
  const keyOf = new Map<string, string>();
  for (const key of Object.keys(lock)) for (const d of key.split(/,\s*/)) keyOf.set(d.trim(), key);
  const reached = new Set<string>();
  const queue = [...prodRoots].map((d) => keyOf.get(d)).filter((k): k is string => k !== undefined);
  while (queue.length > 0) {
    const key = queue.pop()!;
    if (reached.has(key)) continue;
    reached.add(key);
    for (const [name, range] of Object.entries(lock[key]?.dependencies ?? {})) {
      const next = keyOf.get(`${name}@${String(range)}`);
      if (next && !reached.has(next)) queue.push(next);
    }
  }
  return (key) => !reached.has(key);
}
