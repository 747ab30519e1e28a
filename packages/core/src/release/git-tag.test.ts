import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { execReal } from '../context.js';
import { announcedTags, createGitTags, gitTagByDefault, tagNameFor } from './git-tag.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'git-tag-'));
  dirs.push(dir);
  return dir;
}

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();

/** A repository with two commits; returns [first, second (HEAD)]. */
function repo(): { dir: string; first: string; head: string } {
  const dir = tempDir();
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 't@example.test');
  git(dir, 'config', 'user.name', 'T');
  git(dir, 'config', 'commit.gpgsign', 'false');
  git(dir, 'config', 'tag.gpgsign', 'false');
  writeFileSync(join(dir, 'a'), '1');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'one');
  const first = git(dir, 'rev-parse', 'HEAD');
  writeFileSync(join(dir, 'a'), '2');
  git(dir, 'commit', '-qam', 'two');
  return { dir, first, head: git(dir, 'rev-parse', 'HEAD') };
}

const req = (name: string, version: string) => ({ name, version, tag: tagNameFor(name, version, false) });

describe('tag names and default', () => {
  it('uses changesets names', () => {
    expect(tagNameFor('@s/a', '1.2.3', false)).toBe('@s/a@1.2.3');
    expect(tagNameFor('solo', '1.2.3', true)).toBe('v1.2.3');
  });
  it('is on for changesets or a .changeset folder only', () => {
    expect(gitTagByDefault('changesets', false)).toBe(true);
    expect(gitTagByDefault('pnpm', true)).toBe(true);
    expect(gitTagByDefault('npm', false)).toBe(false);
  });
});

describe('createGitTags (real git)', () => {
  it('creates lightweight tags at HEAD', async () => {
    const { dir, head } = repo();
    const result = await createGitTags({
      root: dir,
      requests: [req('@s/a', '1.0.0'), req('b', '2.0.0-rc.1')],
      exec: execReal,
    });
    expect(result.tags.map((t) => [t.tag, t.state])).toEqual([
      ['@s/a@1.0.0', 'created'],
      ['b@2.0.0-rc.1', 'created'],
    ]);
    expect(result.environmentProblem).toBeNull();
    expect(git(dir, 'rev-parse', 'refs/tags/@s/a@1.0.0')).toBe(head);
    // lightweight: the ref names the commit itself, not a tag object
    expect(git(dir, 'cat-file', '-t', 'refs/tags/b@2.0.0-rc.1')).toBe('commit');
  });

  it('accepts a tag already at HEAD (changeset publish made it, annotated) and never moves one elsewhere', async () => {
    const { dir, first, head } = repo();
    git(dir, 'tag', '-m', 'a@1.0.0', 'a@1.0.0');
    git(dir, 'tag', 'b@1.0.0', first);
    const result = await createGitTags({
      root: dir,
      requests: [req('a', '1.0.0'), req('b', '1.0.0')],
      exec: execReal,
    });
    expect(result.tags.map((t) => t.state)).toEqual(['existing', 'conflict']);
    expect(announcedTags(result.tags).map((t) => t.tag)).toEqual(['a@1.0.0']);
    expect(result.packageProblems.get('b')).toMatchObject({ code: 'GIT_TAG_FAILED', severity: 'warning' });
    expect(result.packageProblems.has('a')).toBe(false);
    expect(git(dir, 'rev-parse', 'b@1.0.0')).toBe(first);
    expect(git(dir, 'rev-parse', 'a@1.0.0^{commit}')).toBe(head);
  });

  it('reports a folder outside git once, as an environment warning', async () => {
    const dir = tempDir();
    const result = await createGitTags({
      root: dir,
      requests: [req('a', '1.0.0'), req('b', '1.0.0')],
      exec: (file, args, options) =>
        execReal(file, args, { ...options, env: { ...options.env, GIT_CEILING_DIRECTORIES: tmpdir() } }),
    });
    expect(result.tags).toEqual([]);
    expect(result.environmentProblem).toMatchObject({ code: 'GIT_TAG_FAILED', severity: 'warning' });
    expect(result.packageProblems.size).toBe(0);
  });

  it('reports a tag git refuses, and goes on with the others', async () => {
    const { dir } = repo();
    const result = await createGitTags({
      root: dir,
      requests: [{ name: 'bad', version: '1.0.0', tag: 'bad..name' }, req('ok', '1.0.0')],
      exec: execReal,
    });
    expect(result.tags.map((t) => t.state)).toEqual(['failed', 'created']);
    expect(result.packageProblems.get('bad')?.code).toBe('GIT_TAG_FAILED');
  });

  it('does nothing without requests', async () => {
    const result = await createGitTags({ root: tempDir(), requests: [], exec: execReal });
    expect(result).toMatchObject({ tags: [], environmentProblem: null });
  });
});
