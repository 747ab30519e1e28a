// `provenant release --git-tag` end to end against the rig: git tags for what
// was published, `New tag:` lines on stdout and CHANGESETS_OUTPUT events read
// the way changesets/action reads them, and GIT_TAG_FAILED (a warning: the
// publish stands) outside git or for a tag that points elsewhere.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepublish, toolVersions, writeNpmrc } from '../packages/testing/dist/index.js';
import { releasesFromOutputFile, releasesFromStdout } from './helpers/changesets-action.js';
import { releaseHuman, type HumanRelease as Run } from './helpers/release-human.js';
import {
  REPOSITORY,
  fixture,
  fourPackages,
  linkChangesetBin,
  problemCodes,
  release,
  tempDir,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

function tagsAt(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of git(
    dir,
    'for-each-ref',
    '--format=%(refname:strip=2) %(objecttype) %(*objectname)%(objectname)',
    'refs/tags',
  ).split('\n')) {
    if (!line) continue;
    const [name, type, sha] = line.split(' ');
    // an annotated tag prints the peeled commit then its own id: keep the commit
    out[name!] = `${type}:${type === 'tag' ? sha!.slice(0, 40) : sha}`;
  }
  return out;
}

const codesOf = (run: Run, name: string) => problemCodes(run.report, name);

describe('release --git-tag', () => {
  it('tags what it published (default on with .changeset/), leaves a tag pointing elsewhere alone, and changesets/action reads the same releases', async () => {
    const scope = '@e2e-tag';
    const dir = await fixture(rig, {
      packages: fourPackages(scope),
      files: { '.changeset/README.md': '# changesets\n' },
    });
    // fixture() made two commits: the tree, then .npmrc
    const head = git(dir, 'rev-parse', 'HEAD');
    const older = git(dir, 'rev-parse', 'HEAD~1');
    // already on the registry: skipped, no tag
    await prepublish(rig.registry, {
      name: `${scope}/d`,
      version: '1.0.0',
      manifest: { repository: REPOSITORY },
    });
    // a stale tag for c at an older commit: never moved
    git(dir, 'tag', `${scope}/c@1.0.0`, older);
    const outputFile = join(await tempDir(rig, 'git-tag-out'), 'changesets-output.ndjson');

    const run = await releaseHuman(rig, dir, [], { CHANGESETS_OUTPUT: outputFile });
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.environment.publisher?.name).toBe('npm');
    expect(Object.fromEntries(run.report.packages.map((p) => [p.name, p.status]))).toEqual({
      [`${scope}/a`]: 'verified',
      [`${scope}/b`]: 'verified',
      [`${scope}/c`]: 'verified',
      [`${scope}/d`]: 'skipped',
    });
    expect(codesOf(run, `${scope}/c`)).toContain('GIT_TAG_FAILED:warning');
    expect(codesOf(run, `${scope}/a`)).not.toContain('GIT_TAG_FAILED:warning');

    expect(tagsAt(dir)).toEqual({
      [`${scope}/a@1.0.0`]: `commit:${head}`,
      [`${scope}/b@1.0.0`]: `commit:${head}`,
      [`${scope}/c@1.0.0`]: `commit:${older}`,
    });
    const workspace = {
      single: false,
      packages: fourPackages(scope).map((p) => ({ name: p.name, version: '1.0.0' })),
    };
    const expected = [
      { name: `${scope}/a`, tag: `${scope}/a@1.0.0` },
      { name: `${scope}/b`, tag: `${scope}/b@1.0.0` },
    ];
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : 1);
    expect(releasesFromStdout(run.stdout, workspace).sort(byName)).toEqual(expected);
    expect(releasesFromOutputFile(outputFile).sort(byName)).toEqual(expected);
  });

  it('single-package repo: v<version>, and --no-git-tag / the default off tag nothing', async () => {
    const dir = await tempDir(rig, 'git-tag-single');
    const manifest = {
      name: 'e2e-tag-solo',
      version: '2.1.0' as string,
      license: 'MIT',
      repository: { type: 'git', url: `git+${REPOSITORY}.git` },
    };
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(dir, 'index.js'), 'module.exports = 1;\n');
    git(dir, 'init', '-q', '-b', 'main');
    git(dir, 'config', 'user.email', 'rig@provenant.test');
    git(dir, 'config', 'user.name', 'rig');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'solo');
    await writeNpmrc(dir, rig.registry);

    // npm, no .changeset/: off by default
    const off = await releaseHuman(rig, dir);
    expect(off.code, off.stderr).toBe(0);
    expect(off.report.packages.map((p) => p.status)).toEqual(['verified']);
    expect(off.stdout).not.toContain('New tag:');
    expect(tagsAt(dir)).toEqual({});

    manifest.version = '2.1.1';
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    git(dir, 'commit', '-qam', 'v2.1.1');
    const run = await releaseHuman(rig, dir, ['--git-tag']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.packages.map((p) => [p.name, p.status])).toEqual([['e2e-tag-solo', 'verified']]);
    expect(run.stdout.split('\n').filter((l) => l.startsWith('New tag:'))).toEqual(['New tag: v2.1.1']);
    expect(releasesFromStdout(run.stdout, { single: true, packages: [manifest] })).toEqual([
      { name: 'e2e-tag-solo', tag: 'v2.1.1' },
    ]);
    expect(tagsAt(dir)).toEqual({ 'v2.1.1': `commit:${git(dir, 'rev-parse', 'HEAD')}` });
  });

  it('--no-git-tag turns the changesets default off: no tag, no New tag line, no CHANGESETS_OUTPUT event', async () => {
    const scope = '@e2e-tag-off';
    const dir = await fixture(rig, {
      packages: [{ name: `${scope}/a` }],
      files: { '.changeset/README.md': '# changesets\n' },
    });
    const outputFile = join(await tempDir(rig, 'git-tag-out'), 'changesets-output.ndjson');
    writeFileSync(outputFile, '');
    const run = await releaseHuman(rig, dir, ['--no-git-tag'], { CHANGESETS_OUTPUT: outputFile });
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.packages.map((p) => p.status)).toEqual(['verified']);
    expect(run.stdout).not.toContain('New tag:');
    expect(tagsAt(dir)).toEqual({});
    expect(releasesFromOutputFile(outputFile)).toEqual([]);
  });

  it('outside a git repository: GIT_TAG_FAILED once, as a warning; the publish stands', async () => {
    const scope = '@e2e-tag-nogit';
    const dir = await fixture(rig, {
      packages: [{ name: `${scope}/a` }, { name: `${scope}/b` }],
      git: false,
    });
    const run = await release(rig, dir, ['--git-tag'], { GIT_CEILING_DIRECTORIES: join(dir, '..') });
    expect(run.code, run.stderr).toBe(0);
    const report = run.json!;
    expect(report.environment.problems.map((p) => `${p.code}:${p.severity}`)).toContain(
      'GIT_TAG_FAILED:warning',
    );
    expect(report.environment.problems.filter((p) => p.code === 'GIT_TAG_FAILED')).toHaveLength(1);
    expect(report.packages.map((p) => p.status)).toEqual(['verified', 'verified']);
    expect(run.stdout).not.toContain('New tag:');
  });

  it('changesets publisher: changeset publish tags itself; tags at HEAD are fine, one New tag line each', async () => {
    const scope = '@e2e-tag-cs';
    const dir = await fixture(rig, {
      packages: [{ name: `${scope}/a` }, { name: `${scope}/b`, dependencies: { [`${scope}/a`]: '^1.0.0' } }],
      changesets: true,
      rootManifest: { devDependencies: { '@changesets/cli': `^${toolVersions().changesets}` } },
    });
    linkChangesetBin(dir);
    const run = await releaseHuman(rig, dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.report.environment.publisher?.name).toBe('changesets');
    expect(run.report.packages.map((p) => p.status)).toEqual(['verified', 'verified']);
    expect(run.report.packages.flatMap((p) => p.problems.map((x) => x.code))).not.toContain('GIT_TAG_FAILED');
    expect(
      run.stdout
        .split('\n')
        .filter((l) => l.includes('New tag:'))
        .sort(),
    ).toEqual([`New tag: ${scope}/a@1.0.0`, `New tag: ${scope}/b@1.0.0`]);
    const head = git(dir, 'rev-parse', 'HEAD');
    expect(Object.keys(tagsAt(dir)).sort()).toEqual([`${scope}/a@1.0.0`, `${scope}/b@1.0.0`]);
    for (const tag of Object.keys(tagsAt(dir))) expect(git(dir, 'rev-parse', `${tag}^{commit}`)).toBe(head);
  });
});
