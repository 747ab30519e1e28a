import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckResult } from '../check/index.js';
import type { Context } from '../context.js';
import type { PublishRecord } from '../publish/publish-all.js';
import type { PackageReport } from '../report/types.js';
import { createGitTags, gitTagByDefault, tagNameFor, type TagOutcome } from './git-tag.js';

export type { TagOutcome } from './git-tag.js';
export type GitTagChoice = boolean | 'auto';

export interface TaggingDone {
  tags: TagOutcome[];
  /** Adds each package's GIT_TAG_FAILED warning (a warning: statuses stay). */
  apply(packages: PackageReport[]): PackageReport[];
}

const NOTHING: TaggingDone = { tags: [], apply: (packages) => packages };

/**
 * The release's tagging step: a git tag for every version this run
 * published (not the skipped or failed ones), as `changeset publish` does.
 * A repository-level failure lands in the environment's problems.
 */
export async function tagPublished(
  choice: GitTagChoice,
  check: CheckResult,
  records: ReadonlyMap<string, PublishRecord>,
  ctx: Pick<Context, 'exec'>,
): Promise<TaggingDone> {
  const root = check.workspace.root.dir;
  const on =
    choice === 'auto'
      ? gitTagByDefault(check.publisher?.name ?? '', existsSync(join(root, '.changeset')))
      : choice;
  if (!on) return NOTHING;
  const single = check.workspace.root.tool === 'root';
  const requests = check.packages
    .filter((pkg) => records.get(pkg.name)?.state === 'published')
    .map((pkg) => ({
      name: pkg.name,
      version: pkg.version,
      tag: tagNameFor(pkg.name, pkg.version, single),
    }));
  const result = await createGitTags({ root, requests, exec: ctx.exec });
  if (result.environmentProblem) check.environment.problems.push(result.environmentProblem);
  return {
    tags: result.tags,
    apply: (packages) =>
      packages.map((pkg) => {
        const warning = result.packageProblems.get(pkg.name);
        return warning ? { ...pkg, problems: [...pkg.problems, warning] } : pkg;
      }),
  };
}
