import type { ExecFn } from '../context.js';
import { problem, type Problem } from '../problems.js';

/** A version this release published, and the git tag it gets. */
export interface TagRequest {
  name: string;
  version: string;
  /** `<name>@<version>`, or `v<version>` in a single-package repo (changesets' names). */
  tag: string;
}

/**
 * created: the tag is new, at HEAD. existing: it was already there, at HEAD
 * (`changeset publish` tags what it publishes). conflict: it points at
 * another commit and was left alone. failed: git refused.
 */
export type TagState = 'created' | 'existing' | 'conflict' | 'failed';

export interface TagOutcome extends TagRequest {
  state: TagState;
}

export interface GitTagResult {
  /** One per request, in request order; empty when the folder is no git repository. */
  tags: TagOutcome[];
  /** Whole-run problem (not a git repository); null otherwise. */
  environmentProblem: Problem | null;
  /** name → its GIT_TAG_FAILED warning. */
  packageProblems: Map<string, Problem>;
}

/** changesets' tag names: `v<version>` for a single-package repo, `<name>@<version>` otherwise. */
export function tagNameFor(name: string, version: string, singlePackage: boolean): string {
  return singlePackage ? `v${version}` : `${name}@${version}`;
}

/** `--git-tag` unless told: on for changesets repos, as `changeset publish` tags. */
export function gitTagByDefault(publisher: string, changesetDir: boolean): boolean {
  return publisher === 'changesets' || changesetDir;
}

/**
 * Tags changesets/action may push and release: those that now name HEAD.
 * A tag left pointing elsewhere is not announced — pushing it would
 * release another commit.
 */
export function announcedTags(tags: readonly TagOutcome[]): TagOutcome[] {
  return tags.filter((t) => t.state === 'created' || t.state === 'existing');
}

const HINT_NOT_A_REPO =
  'Run release from a git checkout (actions/checkout), or pass --no-git-tag. The publish itself stands.';

/**
 * Creates a lightweight tag at HEAD for every request. Never moves or
 * deletes a tag: one that points elsewhere is reported (GIT_TAG_FAILED,
 * warning) and left as it is; one already at HEAD is fine.
 */
export async function createGitTags(input: {
  root: string;
  requests: readonly TagRequest[];
  exec: ExecFn;
  timeoutMs?: number;
}): Promise<GitTagResult> {
  const result: GitTagResult = { tags: [], environmentProblem: null, packageProblems: new Map() };
  if (input.requests.length === 0) return result;
  const git = (...args: string[]) =>
    input.exec('git', args, {
      cwd: input.root,
      // no pager, no prompt, no editor: tagging must never wait on a terminal
      env: { GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_EDITOR: 'true' },
      timeoutMs: input.timeoutMs ?? 15_000,
    });

  const head = await git('rev-parse', '--verify', '-q', 'HEAD^{commit}');
  if (head.failedToStart !== undefined || head.exitCode !== 0 || head.stdout.trim() === '') {
    const why =
      head.failedToStart !== undefined
        ? `git could not be run (${head.failedToStart})`
        : `${input.root} is not a git repository with a commit`;
    result.environmentProblem = problem(
      'GIT_TAG_FAILED',
      'warning',
      `No git tags were created: ${why}.`,
      HINT_NOT_A_REPO,
    );
    return result;
  }
  const headSha = head.stdout.trim();

  for (const request of input.requests) {
    const ref = `refs/tags/${request.tag}`;
    // ^{commit} peels an annotated tag (changesets 2.x writes those) to its commit.
    const existing = await git('rev-parse', '--verify', '-q', `${ref}^{commit}`);
    const existingSha = existing.exitCode === 0 ? existing.stdout.trim() : '';
    if (existingSha !== '') {
      if (existingSha === headSha) {
        result.tags.push({ ...request, state: 'existing' });
      } else {
        result.tags.push({ ...request, state: 'conflict' });
        result.packageProblems.set(
          request.name,
          problem(
            'GIT_TAG_FAILED',
            'warning',
            `Tag ${request.tag} already points at ${existingSha.slice(0, 12)}, not at HEAD (${headSha.slice(0, 12)}); it was left as it is.`,
            `Check which commit ${request.version} was built from; if the old tag is wrong, move it yourself: git tag -f ${request.tag} ${headSha.slice(0, 12)}`,
          ),
        );
      }
      continue;
    }
    // `--` keeps a tag name from being read as an option; no -m: a lightweight tag.
    const created = await git('tag', '--', request.tag, headSha);
    if (created.exitCode === 0) {
      result.tags.push({ ...request, state: 'created' });
    } else {
      result.tags.push({ ...request, state: 'failed' });
      const detail = (created.stderr || created.stdout || created.failedToStart || '').trim();
      result.packageProblems.set(
        request.name,
        problem(
          'GIT_TAG_FAILED',
          'warning',
          `git tag ${request.tag} failed${detail ? `: ${detail.split('\n')[0]}` : ''}.`,
          `Create it by hand once the cause is fixed: git tag ${request.tag} ${headSha.slice(0, 12)}`,
        ),
      );
    }
  }
  return result;
}
