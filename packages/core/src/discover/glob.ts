/**
 * A small glob matcher for package names (`--filter`) and workspace folder
 * patterns: `*` (within one segment), `**` (any depth), `?`, `{a,b}` and
 * `[abc]`. Enough for both uses, without a dependency.
 */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        i++;
        if (glob[i + 1] === '/' && atStart) {
          i++;
          out += '(?:.*/)?';
        } else {
          out += '.*';
        }
      } else {
        out += '[^/]*';
      }
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '{') {
      braces++;
      out += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      out += ')';
    } else if (c === ',' && braces > 0) {
      out += '|';
    } else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end === -1) {
        out += '\\[';
      } else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else {
      out += /[.+^$()|\\\]]/.test(c) ? `\\${c}` : c;
    }
  }
  return new RegExp(`^${out}$`);
}

export function isGlob(text: string): boolean {
  return /[*?{[]/.test(text);
}

/**
 * A matcher for repeatable include/exclude patterns (`!glob` excludes). With
 * no include pattern everything is included; excludes always win.
 */
export function createMatcher(patterns: readonly string[]): (value: string) => boolean {
  const includes: RegExp[] = [];
  const excludes: RegExp[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim();
    if (pattern === '') continue;
    if (pattern.startsWith('!')) excludes.push(globToRegExp(pattern.slice(1)));
    else includes.push(globToRegExp(pattern));
  }
  return (value) =>
    (includes.length === 0 || includes.some((re) => re.test(value))) &&
    !excludes.some((re) => re.test(value));
}
