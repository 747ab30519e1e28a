import semver from 'semver';

/**
 * The dist-tag a version is published under: `--tag`, else the manifest's
 * `publishConfig.tag`, else for a prerelease its identifier (`2.0.0-beta.1` →
 * `beta`; a numeric one → `next`) so a prerelease never becomes `latest`,
 * else `latest`.
 */
export function distTagFor(
  version: string,
  options: { tag?: string | null; publishConfigTag?: unknown } = {},
): string {
  if (options.tag) return options.tag;
  if (typeof options.publishConfigTag === 'string' && options.publishConfigTag !== '')
    return options.publishConfigTag;
  const pre = semver.prerelease(version);
  if (!pre || pre.length === 0) return 'latest';
  const id = pre[0];
  // npm refuses tags that parse as a semver range (`v1`, `1`); `latest` would defeat the point.
  if (typeof id === 'string' && id !== 'latest' && semver.validRange(id) === null) return id;
  return 'next';
}
