import type { WorkspacePackage } from '../discover/types.js';
import type { PlannedPackage, PublishedVersions } from '../plan/index.js';
import { problem, hasError, type Problem } from '../problems.js';
import type { PackageStatus } from '../report/types.js';
import { normalizeRepositoryUrl } from '../repository-url.js';
import { isNpmjsRegistry } from './environment-rules.js';
import { REPOSITORY_PLACEHOLDER, publishConfigJson, repositoryJson, withoutKey } from './hints.js';

export interface PackageFacts {
  pkg: WorkspacePackage;
  planned: PlannedPackage;
  /** The CI's repository (`https://host/owner/repo`), null outside CI. */
  ciRepository: string | null;
  /** `--access`, when given. */
  access?: 'public' | 'restricted' | null;
}

function publishConfigOf(pkg: WorkspacePackage): Record<string, unknown> {
  const pc = pkg.manifest.publishConfig;
  return pc && typeof pc === 'object' && !Array.isArray(pc) ? (pc as Record<string, unknown>) : {};
}

/** `./packages/a/` → `packages/a`. */
export function normalizeDirectory(value: string): string {
  const cleaned = value
    .replace(/\\/g, '/')
    .replace(/^\.\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/');
  return cleaned === '' ? '.' : cleaned;
}

function repositoryRules(facts: PackageFacts): Problem[] {
  const { pkg, ciRepository } = facts;
  const file = `${pkg.relativeDir === '.' ? '' : `${pkg.relativeDir}/`}package.json`;
  const url = normalizeRepositoryUrl(pkg.manifest.repository);
  const suggested = repositoryJson(ciRepository ?? url ?? REPOSITORY_PLACEHOLDER, pkg.relativeDir);
  if (url === null) {
    return [
      problem(
        'REPOSITORY_MISSING',
        'error',
        `${pkg.name} has no usable "repository": npm rejects provenance when repository.url does not match the repository that built it.`,
        `Add to ${file}:\n${suggested}`,
      ),
    ];
  }
  const out: Problem[] = [];
  if (ciRepository !== null && url !== ciRepository) {
    const caseOnly = url.toLowerCase() === ciRepository.toLowerCase();
    out.push(
      problem(
        'REPOSITORY_MISMATCH',
        'error',
        `${pkg.name}'s repository.url is ${url}, but the CI builds ${ciRepository}${caseOnly ? ' (they differ only in letter case, and npm compares case-sensitively)' : ''}.`,
        `Set in ${file}:\n${suggested}`,
      ),
    );
  }
  const repo = pkg.manifest.repository;
  const declared =
    repo && typeof repo === 'object' && typeof (repo as { directory?: unknown }).directory === 'string'
      ? normalizeDirectory((repo as { directory: string }).directory)
      : null;
  if (declared !== null ? declared !== pkg.relativeDir : pkg.relativeDir !== '.') {
    out.push(
      problem(
        'REPOSITORY_DIRECTORY_MISMATCH',
        'warning',
        declared === null
          ? `${pkg.name} lives in ${pkg.relativeDir} but its "repository" has no "directory", so npm links its provenance to the repository root.`
          : `${pkg.name} lives in ${pkg.relativeDir} but repository.directory says ${declared}.`,
        `Set in ${file}:\n${repositoryJson(ciRepository ?? url, pkg.relativeDir)}`,
      ),
    );
  }
  return out;
}

function accessRules(facts: PackageFacts): Problem[] {
  const { pkg, planned } = facts;
  if (!pkg.name.startsWith('@')) return [];
  const publishConfig = publishConfigOf(pkg);
  const configured =
    publishConfig.access === 'public' || publishConfig.access === 'restricted' ? publishConfig.access : null;
  const access = facts.access ?? configured;
  const hint = `Add to ${pkg.relativeDir === '.' ? '' : `${pkg.relativeDir}/`}package.json:\n${publishConfigJson(pkg.manifest.publishConfig, { access: 'public' })}\n(or pass --access public)`;
  if (access === 'restricted') {
    return [
      problem(
        'ACCESS_NOT_PUBLIC',
        'error',
        `${pkg.name} is published with restricted access${facts.access ? ' (--access restricted)' : ' (publishConfig.access)'}; npm accepts provenance only for public packages.`,
        hint,
      ),
    ];
  }
  if (access === null && planned.firstPublish !== false) {
    return [
      problem(
        'ACCESS_NOT_PUBLIC',
        'error',
        planned.firstPublish === null
          ? `${pkg.name} is scoped and may be published for the first time (the registry could not be read): a new scoped package defaults to restricted access, which npm refuses with provenance.`
          : `${pkg.name} is scoped and published for the first time: it would default to restricted access, which npm refuses with provenance.`,
        hint,
      ),
    ];
  }
  return [];
}

function publishConfigRules(facts: PackageFacts): Problem[] {
  const { pkg } = facts;
  const publishConfig = publishConfigOf(pkg);
  const file = `${pkg.relativeDir === '.' ? '' : `${pkg.relativeDir}/`}package.json`;
  const out: Problem[] = [];
  if (publishConfig.provenance === false || publishConfig.provenance === 'false') {
    out.push(
      problem(
        'PROVENANCE_DISABLED',
        'error',
        `${pkg.name} turns provenance off in publishConfig.provenance.`,
        `Remove "provenance": false from publishConfig in ${file}:\n${withoutKey(pkg.manifest.publishConfig, 'provenance')}`,
      ),
    );
  }
  if (
    typeof publishConfig.registry === 'string' &&
    publishConfig.registry !== '' &&
    !isNpmjsRegistry(publishConfig.registry)
  ) {
    out.push(
      problem(
        'CUSTOM_REGISTRY',
        'warning',
        `${pkg.name} publishes to ${publishConfig.registry} (publishConfig.registry), which does not accept provenance.`,
        `Remove "registry" from publishConfig in ${file} to publish to registry.npmjs.org:\n${withoutKey(pkg.manifest.publishConfig, 'registry')}`,
      ),
    );
  }
  return out;
}

/** Pure: the problems of one package, judged on its own (DEPENDENCY_BLOCKED comes after, from the others). */
export function checkPackage(facts: PackageFacts): Problem[] {
  const { pkg, planned } = facts;
  if (planned.skip === 'private') {
    return [problem('PRIVATE', 'info', `${pkg.name} is private and is not published.`, null)];
  }
  if (planned.skip === 'already-published') {
    return [
      problem(
        'ALREADY_PUBLISHED',
        'info',
        `${pkg.name}@${pkg.version} is already on the registry.`,
        'Bump the version (e.g. `npx changeset version`) to publish again.',
      ),
    ];
  }
  const out: Problem[] = [];
  if (pkg.manifestIssues.length > 0) {
    out.push(
      problem(
        'INVALID_MANIFEST',
        'error',
        `${pkg.relativeDir === '.' ? '' : `${pkg.relativeDir}/`}package.json: ${pkg.manifestIssues.join('; ')}.`,
        'Give it a lower-case, URL-safe "name" and a semver "version", e.g. "version": "1.0.0".',
      ),
    );
  }
  out.push(...repositoryRules(facts), ...accessRules(facts), ...publishConfigRules(facts));
  return out;
}

export function statusOf(planned: PlannedPackage, problems: readonly Problem[]): PackageStatus {
  if (planned.action === 'skip') return 'skipped';
  return hasError(problems) ? 'blocked' : 'ready';
}

/**
 * Adds DEPENDENCY_BLOCKED to packages (in publishing order) that need a
 * workspace package which will not be there: blocked itself, private, or left
 * out by `--filter` while its version is not on the registry.
 */
export function applyDependencyRules(
  plan: readonly PlannedPackage[],
  problemsByName: Map<string, Problem[]>,
  workspace: ReadonlyMap<string, WorkspacePackage>,
  published: PublishedVersions,
): void {
  const planned = new Map(plan.map((p) => [p.name, p]));
  for (const pkg of plan) {
    if (pkg.action !== 'publish') continue;
    const mine = problemsByName.get(pkg.name)!;
    for (const dep of pkg.dependsOn) {
      const other = planned.get(dep);
      const ws = workspace.get(dep);
      let reason: { message: string; hint: string } | null = null;
      if (ws?.private) {
        reason = {
          message: `${pkg.name} depends on ${dep}, a private workspace package that is never published: installing ${pkg.name} would fail.`,
          hint: `Make ${dep} publishable (remove "private": true), or move it to devDependencies of ${pkg.name}.`,
        };
      } else if (other && other.action === 'publish' && hasError(problemsByName.get(dep) ?? [])) {
        reason = {
          message: `${pkg.name} depends on ${dep}, which is blocked.`,
          hint: `Fix the problems of ${dep} first.`,
        };
      } else if (!other && ws) {
        const versions = published.get(dep) ?? null;
        if (versions !== null && !versions.includes(ws.version)) {
          reason = {
            message: `${pkg.name} depends on ${dep}@${ws.version}, which is not on the registry and is left out of this release by --filter.`,
            hint: `Include ${dep} in --filter, or publish it first.`,
          };
        }
      }
      if (reason) mine.push(problem('DEPENDENCY_BLOCKED', 'error', reason.message, reason.hint));
    }
  }
}
