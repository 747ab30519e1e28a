import picomatch from 'picomatch';

/**
 * Package-name (`--filter`, audit policy patterns) and workspace-folder
 * globs, through picomatch: `*` within one segment, `**` any depth, `?`,
 * `{a,b}`, `[abc]`. Dot-names match too, as npm's workspace globs do.
 */
const OPTIONS: picomatch.PicomatchOptions = { dot: true };

export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob, OPTIONS);
}

export function isGlob(text: string): boolean {
  return picomatch.scan(text).isGlob;
}

/**
 * A matcher for repeatable include/exclude patterns (`!glob` excludes). With
 * no include pattern everything is included; excludes always win.
 */
export function createMatcher(patterns: readonly string[]): (value: string) => boolean {
  const trimmed = patterns.map((p) => p.trim()).filter((p) => p !== '');
  const includes = trimmed.filter((p) => !p.startsWith('!'));
  const excludes = trimmed.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const included = includes.length === 0 ? () => true : picomatch(includes, OPTIONS);
  const excluded = excludes.length === 0 ? () => false : picomatch(excludes, OPTIONS);
  return (value) => included(value) && !excluded(value);
}
