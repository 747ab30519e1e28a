/** What discovery found: the root, its tool, and every workspace package. */
export type WorkspaceTool = 'npm' | 'pnpm' | 'yarn' | 'lerna' | 'bun' | 'rush' | 'root';

export const DEPENDENCY_TYPES = [
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
  'devDependencies',
] as const;
export type DependencyType = (typeof DEPENDENCY_TYPES)[number];

/** Dependency types that order publishing: a consumer installs them. */
export const ORDERING_DEPENDENCY_TYPES: ReadonlySet<DependencyType> = new Set([
  'dependencies',
  'optionalDependencies',
  'peerDependencies',
]);

export interface DependencyEdge {
  /** The dependent package. */
  from: string;
  /** The workspace package it depends on. */
  to: string;
  type: DependencyType;
  /** The range as written, e.g. `workspace:^` or `^1.2.0`. */
  range: string;
}

export interface PackageManifest {
  name?: unknown;
  version?: unknown;
  private?: unknown;
  repository?: unknown;
  publishConfig?: unknown;
  dependencies?: unknown;
  optionalDependencies?: unknown;
  peerDependencies?: unknown;
  devDependencies?: unknown;
  workspaces?: unknown;
  packageManager?: unknown;
  [key: string]: unknown;
}

export interface WorkspacePackage {
  name: string;
  /** `''` only for a private package without a version. */
  version: string;
  private: boolean;
  /** Absolute folder. */
  dir: string;
  /** Posix path relative to the root; `.` for a single-package repo. */
  relativeDir: string;
  /** Absolute path of its `package.json`. */
  manifestPath: string;
  manifest: PackageManifest;
  /** Edges to other workspace packages, devDependencies included (they do not order publishing). */
  dependencies: DependencyEdge[];
  /**
   * Readable manifests that npm would still refuse (no version, invalid
   * semver, invalid name). Reported as the package problem INVALID_MANIFEST;
   * ignored for private packages.
   */
  manifestIssues: string[];
}

export interface WorkspaceRoot {
  dir: string;
  tool: WorkspaceTool;
  manifest: PackageManifest;
}

export interface Workspace {
  root: WorkspaceRoot;
  /** Sorted by name. The private root of a monorepo is not listed; a single-package repo lists itself. */
  packages: WorkspacePackage[];
  /** Every internal edge, devDependencies included. */
  edges: DependencyEdge[];
}
