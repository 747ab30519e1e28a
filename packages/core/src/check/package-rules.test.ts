import { describe, expect, it } from 'vitest';
import type { DependencyEdge, PackageManifest, WorkspacePackage } from '../discover/types.js';
import { planRelease, type PlannedPackage } from '../plan/index.js';
import type { Problem } from '../problems.js';
import { applyDependencyRules, checkPackage, normalizeDirectory, statusOf } from './package-rules.js';

const REPO = 'https://github.com/o/r';

function pkg(
  name: string,
  manifest: PackageManifest = {},
  extra: Partial<WorkspacePackage> = {},
): WorkspacePackage {
  const dir = `packages/${name.replace(/^@[^/]+\//, '')}`;
  return {
    name,
    version: '1.0.0',
    private: false,
    dir: `/repo/${dir}`,
    relativeDir: dir,
    manifestPath: `/repo/${dir}/package.json`,
    manifest: {
      name,
      version: '1.0.0',
      repository: { type: 'git', url: `git+${REPO}.git`, directory: dir },
      ...manifest,
    },
    dependencies: [],
    manifestIssues: [],
    ...extra,
  };
}

function planned(p: WorkspacePackage, over: Partial<PlannedPackage> = {}): PlannedPackage {
  return {
    name: p.name,
    version: p.version,
    dir: p.dir,
    relativeDir: p.relativeDir,
    action: 'publish',
    skip: null,
    distTag: 'latest',
    firstPublish: false,
    dependsOn: [],
    ...over,
  };
}

function check(
  p: WorkspacePackage,
  over: Partial<PlannedPackage> = {},
  ciRepository: string | null = REPO,
  access: 'public' | 'restricted' | null = null,
): Problem[] {
  return checkPackage({ pkg: p, planned: planned(p, over), ciRepository, access });
}
const codes = (problems: Problem[]) => problems.map((p) => `${p.code}:${p.severity}`);

describe('package rules', () => {
  it('a well-formed package has no problem', () => {
    expect(check(pkg('a'))).toEqual([]);
    expect(check(pkg('@s/a', { publishConfig: { access: 'public' } }), { firstPublish: true })).toEqual([]);
  });

  it('PRIVATE and ALREADY_PUBLISHED are infos and stop the other rules', () => {
    const bad = pkg('x', { repository: undefined });
    expect(codes(check(bad, { action: 'skip', skip: 'private' }))).toEqual(['PRIVATE:info']);
    expect(codes(check(bad, { action: 'skip', skip: 'already-published' }))).toEqual([
      'ALREADY_PUBLISHED:info',
    ]);
  });

  it('INVALID_MANIFEST for readable but unpublishable manifests', () => {
    const p = check(pkg('a', {}, { manifestIssues: ['"version" is missing'] }));
    expect(codes(p)).toEqual(['INVALID_MANIFEST:error']);
    expect(p[0]!.message).toContain('packages/a/package.json');
  });

  it('REPOSITORY_MISSING with the exact repository JSON (CI repository, directory)', () => {
    const [p] = check(pkg('@s/x', { repository: undefined }));
    expect(p).toMatchObject({ code: 'REPOSITORY_MISSING', severity: 'error' });
    expect(p!.hint).toBe(
      'Add to packages/x/package.json:\n"repository": {"type":"git","url":"https://github.com/o/r","directory":"packages/x"}',
    );
    // outside CI: a placeholder
    expect(check(pkg('x', { repository: 'not a url at all' }), {}, null)[0]!.hint).toContain(
      '"url":"https://github.com/OWNER/REPO"',
    );
  });

  it('REPOSITORY_MISMATCH compares case-sensitively with the CI repository', () => {
    const p = check(
      pkg('a', { repository: { type: 'git', url: 'https://github.com/O/R', directory: 'packages/a' } }),
    );
    expect(codes(p)).toEqual(['REPOSITORY_MISMATCH:error']);
    expect(p[0]!.message).toContain('letter case');
    expect(p[0]!.hint).toContain('"url":"https://github.com/o/r"');
    expect(
      codes(check(pkg('a', { repository: { url: 'https://github.com/other/r', directory: 'packages/a' } }))),
    ).toEqual(['REPOSITORY_MISMATCH:error']);
    // shorthand forms normalise to the same URL
    expect(check(pkg('a', { repository: { url: 'github:o/r', directory: 'packages/a' } }))).toEqual([]);
    // no CI: nothing to compare with
    expect(
      check(pkg('a', { repository: { url: 'https://github.com/O/R', directory: 'packages/a' } }), {}, null),
    ).toEqual([]);
  });

  it('REPOSITORY_DIRECTORY_MISMATCH (warning) for a wrong or missing directory', () => {
    const wrong = check(pkg('a', { repository: { url: REPO, directory: 'packages/b' } }));
    expect(codes(wrong)).toEqual(['REPOSITORY_DIRECTORY_MISMATCH:warning']);
    expect(wrong[0]!.hint).toContain('"directory":"packages/a"');
    expect(codes(check(pkg('a', { repository: REPO })))).toEqual(['REPOSITORY_DIRECTORY_MISMATCH:warning']);
    expect(check(pkg('a', { repository: { url: REPO, directory: './packages/a/' } }))).toEqual([]);
    // a single-package repo needs no directory
    expect(check(pkg('a', { repository: REPO }, { relativeDir: '.' }))).toEqual([]);
    expect(normalizeDirectory('./x//y/')).toBe('x/y');
  });

  it('ACCESS_NOT_PUBLIC: first publish of a scoped package without public access, or restricted', () => {
    const scoped = pkg('@s/a', { publishConfig: { tag: 'next' } });
    const [p] = check(scoped, { firstPublish: true });
    expect(p).toMatchObject({ code: 'ACCESS_NOT_PUBLIC', severity: 'error' });
    expect(p!.hint).toContain('"publishConfig": {"tag":"next","access":"public"}');
    expect(codes(check(scoped, { firstPublish: null }))).toEqual(['ACCESS_NOT_PUBLIC:error']);
    expect(check(scoped, { firstPublish: false })).toEqual([]);
    expect(check(scoped, { firstPublish: true }, REPO, 'public')).toEqual([]);
    expect(codes(check(scoped, { firstPublish: false }, REPO, 'restricted'))).toEqual([
      'ACCESS_NOT_PUBLIC:error',
    ]);
    expect(codes(check(pkg('@s/a', { publishConfig: { access: 'restricted' } })))).toEqual([
      'ACCESS_NOT_PUBLIC:error',
    ]);
    expect(check(pkg('unscoped'), { firstPublish: true })).toEqual([]);
  });

  it('PROVENANCE_DISABLED for publishConfig.provenance false', () => {
    const p = check(pkg('a', { publishConfig: { provenance: false, access: 'public' } }));
    expect(codes(p)).toEqual(['PROVENANCE_DISABLED:error']);
    expect(p[0]!.hint).toContain('"publishConfig": {"access":"public"}');
  });

  it('CUSTOM_REGISTRY (warning) for a publishConfig.registry other than npmjs', () => {
    expect(codes(check(pkg('a', { publishConfig: { registry: 'https://npm.pkg.github.com' } })))).toEqual([
      'CUSTOM_REGISTRY:warning',
    ]);
    expect(check(pkg('a', { publishConfig: { registry: 'https://registry.npmjs.org/' } }))).toEqual([]);
  });

  it('statusOf: skipped, blocked on errors only, else ready', () => {
    const p = pkg('a');
    expect(statusOf(planned(p, { action: 'skip', skip: 'private' }), [])).toBe('skipped');
    expect(
      statusOf(planned(p), [{ code: 'CUSTOM_REGISTRY', severity: 'warning', message: '', hint: null }]),
    ).toBe('ready');
    expect(
      statusOf(planned(p), [{ code: 'REPOSITORY_MISSING', severity: 'error', message: '', hint: null }]),
    ).toBe('blocked');
  });
});

describe('DEPENDENCY_BLOCKED', () => {
  const edge = (from: string, to: string): DependencyEdge => ({
    from,
    to,
    type: 'dependencies',
    range: 'workspace:*',
  });

  it('propagates a blocked dependency transitively, in publishing order', () => {
    const packages = [
      pkg('app', {}, { dependencies: [edge('app', 'lib')] }),
      pkg('lib', {}, { dependencies: [edge('lib', 'core')] }),
      pkg('core', { repository: undefined }),
      pkg('other'),
    ];
    const plan = planRelease(packages, new Map());
    const byName = new Map(packages.map((p) => [p.name, p]));
    const problems = new Map(
      plan.packages.map((pl) => [
        pl.name,
        checkPackage({ pkg: byName.get(pl.name)!, planned: pl, ciRepository: REPO }),
      ]),
    );
    applyDependencyRules(plan.packages, problems, byName, new Map());
    expect(Object.fromEntries([...problems].map(([n, p]) => [n, codes(p)]))).toEqual({
      core: ['REPOSITORY_MISSING:error'],
      lib: ['DEPENDENCY_BLOCKED:error'],
      app: ['DEPENDENCY_BLOCKED:error'],
      other: [],
    });
    expect(problems.get('lib')![0]!.hint).toContain('core');
  });

  it('a dependency on a private package, or on an unpublished one left out by --filter', () => {
    const packages = [
      pkg('a', {}, { dependencies: [edge('a', 'priv')] }),
      pkg('priv', {}, { private: true }),
      pkg('b', {}, { dependencies: [edge('b', 'c'), edge('b', 'd')] }),
      pkg('c'),
      pkg('d'),
    ];
    const published = new Map([
      ['c', ['0.9.0']],
      ['d', ['1.0.0']],
    ]);
    const plan = planRelease(packages, published, { filter: ['a', 'b', 'priv'] });
    const byName = new Map(packages.map((p) => [p.name, p]));
    const problems = new Map(plan.packages.map((pl) => [pl.name, [] as Problem[]]));
    applyDependencyRules(plan.packages, problems, byName, published);
    expect(codes(problems.get('a')!)).toEqual(['DEPENDENCY_BLOCKED:error']);
    expect(problems.get('a')![0]!.message).toContain('private');
    expect(codes(problems.get('b')!)).toEqual(['DEPENDENCY_BLOCKED:error']);
    expect(problems.get('b')![0]!.message).toContain('c@1.0.0');
    expect(problems.get('b')![0]!.hint).toContain('--filter');
  });
});
