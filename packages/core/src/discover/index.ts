import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ProvenantError } from '../errors.js';
import { internalEdges } from './edges.js';
import { locateWorkspace } from './locate.js';
import { parseManifest, readIdentity } from './manifest.js';
import type { PackageManifest, Workspace, WorkspacePackage } from './types.js';

export * from './types.js';
export { createMatcher, globToRegExp } from './glob.js';
export { findJsonError } from './json-position.js';
export { parseManifest, isUnsafePackageName, packageNameIssues } from './manifest.js';
export { internalEdges, linksLocally } from './edges.js';
export {
  locateWorkspace,
  expandWorkspaceGlobs,
  pnpmWorkspaceGlobs,
  type WorkspaceLocation,
} from './locate.js';

function readManifestFile(file: string): PackageManifest {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ProvenantError('INVALID_MANIFEST', `Cannot read ${file}.`, {
      hint: `Check that ${file} exists and is readable.`,
      cause: error,
    });
  }
  return parseManifest(text, file);
}

/**
 * Discovers the workspace around `cwd` (any folder inside it): its root and
 * tool, every package with its manifest, and the internal dependency edges.
 * Whole-run problems (no workspace, an unreadable manifest, a nameless public
 * package, two packages with one name) throw a `ProvenantError`.
 */
export async function discoverWorkspace(cwd: string): Promise<Workspace> {
  const location = await locateWorkspace(cwd);
  const rootManifestPath = join(location.rootDir, 'package.json');
  const rootManifest = readManifestFile(rootManifestPath);

  const raw: Array<Omit<WorkspacePackage, 'dependencies'>> = [];
  for (const dir of location.packageDirs) {
    const manifestPath = join(dir, 'package.json');
    const manifest = dir === location.rootDir ? rootManifest : readManifestFile(manifestPath);
    const id = readIdentity(manifest, manifestPath);
    if (id.name === null) continue; // a nameless private package: nothing to publish or depend on
    const rel = relative(location.rootDir, dir).split(sep).join('/');
    raw.push({
      name: id.name,
      version: id.version,
      private: id.private,
      dir,
      relativeDir: rel === '' ? '.' : rel,
      manifestPath,
      manifest,
      manifestIssues: id.issues,
    });
  }

  const byName = new Map<string, Omit<WorkspacePackage, 'dependencies'>>();
  for (const pkg of raw) {
    const other = byName.get(pkg.name);
    if (other) {
      throw new ProvenantError(
        'DUPLICATE_PACKAGE',
        `Two workspace packages are named ${pkg.name}: ${other.relativeDir} and ${pkg.relativeDir}.`,
        {
          hint: `Rename one of ${other.relativeDir}/package.json and ${pkg.relativeDir}/package.json, or remove one folder from the workspace globs.`,
        },
      );
    }
    byName.set(pkg.name, pkg);
  }

  const versions = new Map([...byName].map(([name, pkg]) => [name, pkg.version] as const));
  const packages: WorkspacePackage[] = [...byName.values()]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((pkg) => ({ ...pkg, dependencies: internalEdges(pkg.name, pkg.manifest, versions) }));

  return {
    root: { dir: location.rootDir, tool: location.tool, manifest: rootManifest },
    packages,
    edges: packages.flatMap((p) => p.dependencies),
  };
}
