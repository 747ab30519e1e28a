// Writes lockfiles of each format naming registry versions, for the audit end-to-end tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LockedVersion {
  name: string;
  version: string;
  /** The SRI the lockfile records (npm, pnpm); yarn berry records none. */
  integrity: string;
  /** The registry's tarball URL (npm's `resolved`). */
  tarball: string;
  dev?: boolean;
}

/** One folder per `name`: npm nests a second version of a name under a holder folder. */
export function writeNpmLock(
  dir: string,
  versions: readonly LockedVersion[],
  extra: Record<string, unknown> = {},
): void {
  const packages: Record<string, unknown> = { '': { name: 'audited-app', version: '1.0.0' } };
  let holder = 0;
  for (const v of versions) {
    let location = `node_modules/${v.name}`;
    while (packages[location]) location = `node_modules/holder-${++holder}/node_modules/${v.name}`;
    packages[location] = {
      version: v.version,
      resolved: v.tarball,
      integrity: v.integrity,
      ...(v.dev ? { dev: true } : {}),
    };
  }
  Object.assign(packages, extra);
  write(
    dir,
    'package-lock.json',
    JSON.stringify({ name: 'audited-app', lockfileVersion: 3, requires: true, packages }, null, 2),
  );
  write(dir, 'package.json', JSON.stringify({ name: 'audited-app', version: '1.0.0', private: true }));
}

export function writePnpmLock(dir: string, versions: readonly LockedVersion[]): void {
  const lines = ["lockfileVersion: '9.0'", '', 'importers:', '  .:', '    dependencies:'];
  for (const v of versions.filter((x) => !x.dev))
    lines.push(`      '${v.name}':`, `        specifier: ${v.version}`, `        version: ${v.version}`);
  lines.push('    devDependencies:');
  for (const v of versions.filter((x) => x.dev))
    lines.push(`      '${v.name}':`, `        specifier: ${v.version}`, `        version: ${v.version}`);
  lines.push('', 'packages:');
  for (const v of versions)
    lines.push(`  '${v.name}@${v.version}':`, `    resolution: {integrity: ${v.integrity}}`);
  lines.push('', 'snapshots:');
  for (const v of versions) lines.push(`  '${v.name}@${v.version}': {}`);
  write(dir, 'pnpm-lock.yaml', `${lines.join('\n')}\n`);
  write(dir, 'package.json', JSON.stringify({ name: 'audited-app', version: '1.0.0', private: true }));
}

export function writeYarnLock(dir: string, versions: readonly LockedVersion[]): void {
  const lines = ['__metadata:', '  version: 8', '  cacheKey: 10c0', ''];
  for (const v of versions) {
    lines.push(
      `"${v.name}@npm:${v.version}":`,
      `  version: ${v.version}`,
      `  resolution: "${v.name}@npm:${v.version}"`,
      '  languageName: node',
      '  linkType: hard',
      '',
    );
  }
  lines.push(
    '"audited-app@workspace:.":',
    '  version: 0.0.0-use.local',
    '  resolution: "audited-app@workspace:."',
    '  languageName: unknown',
    '  linkType: soft',
    '',
  );
  write(dir, 'yarn.lock', lines.join('\n'));
  const deps = Object.fromEntries(versions.filter((v) => !v.dev).map((v) => [v.name, v.version]));
  const devDeps = Object.fromEntries(versions.filter((v) => v.dev).map((v) => [v.name, v.version]));
  write(
    dir,
    'package.json',
    JSON.stringify({
      name: 'audited-app',
      version: '1.0.0',
      private: true,
      dependencies: deps,
      devDependencies: devDeps,
    }),
  );
}

/** What the registry says about name@version: the entry a lockfile would record. */
export async function lockedFromRegistry(
  registryUrl: string,
  spec: string,
  dev = false,
): Promise<LockedVersion> {
  const at = spec.lastIndexOf('@');
  const name = spec.slice(0, at);
  const version = spec.slice(at + 1);
  const res = await fetch(new URL(name.replace('/', '%2f'), registryUrl), {
    headers: { accept: 'application/json' },
  });
  const doc = (await res.json()) as {
    versions: Record<string, { dist: { integrity: string; tarball: string } }>;
  };
  const dist = doc.versions[version]!.dist;
  return { name, version, integrity: dist.integrity, tarball: dist.tarball, dev };
}

function write(dir: string, file: string, text: string): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, file), text);
}
