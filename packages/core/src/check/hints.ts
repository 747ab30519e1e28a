import { TOOL_VERSION } from '../report/build-report.js';

/**
 * Hints a user can paste as they are: YAML for the CI file, JSON for
 * package.json. Kept in one place so every rule words them alike.
 */
export const GITHUB_PERMISSIONS_YAML = 'permissions:\n  id-token: write\n  contents: read';

/**
 * How a hint tells a user to run a release: always the scoped package with its
 * version. The unscoped npm name `provenant` is someone else's package, which a
 * bare npx would download and run inside a job that can publish.
 */
export const RELEASE_COMMAND = `npx @provenant/cli@${TOOL_VERSION} release`;

export const GITLAB_ID_TOKENS_YAML = 'id_tokens:\n  SIGSTORE_ID_TOKEN:\n    aud: sigstore';

/** Placeholder when no CI tells us the repository. */
export const REPOSITORY_PLACEHOLDER = 'https://github.com/OWNER/REPO';

export function repositoryJson(url: string, directory: string): string {
  const value: Record<string, string> = { type: 'git', url };
  if (directory !== '.' && directory !== '') value.directory = directory;
  return `"repository": ${JSON.stringify(value)}`;
}

/** The package's publishConfig with `access: public` merged in. */
export function publishConfigJson(existing: unknown, changes: Record<string, unknown>): string {
  const base =
    existing && typeof existing === 'object' && !Array.isArray(existing)
      ? (existing as Record<string, unknown>)
      : {};
  return `"publishConfig": ${JSON.stringify({ ...base, ...changes })}`;
}

export function withoutKey(existing: unknown, key: string): string {
  const base =
    existing && typeof existing === 'object' && !Array.isArray(existing)
      ? { ...(existing as Record<string, unknown>) }
      : {};
  delete base[key];
  return `"publishConfig": ${JSON.stringify(base)}`;
}
