/**
 * Repository URLs are written `https://host/owner/repo` everywhere in the
 * report (SPEC §3). npm's registry compares the owner and name case-sensitively,
 * so we only lower-case the host.
 */
const SHORTHAND_HOSTS: Readonly<Record<string, string>> = {
  github: 'github.com',
  gitlab: 'gitlab.com',
  bitbucket: 'bitbucket.org',
};

/**
 * Normalises the common spellings of a repository (`git+https://….git`,
 * `github:owner/repo`, `owner/repo`, `git@github.com:owner/repo.git`,
 * `https://github.com/owner/repo/`, a `{ url }` manifest object) to
 * `https://host/owner/repo`. Returns null when the value names no repository.
 */
export function normalizeRepositoryUrl(value: unknown): string | null {
  if (value && typeof value === 'object' && 'url' in value) {
    return normalizeRepositoryUrl(value.url);
  }
  if (typeof value !== 'string') return null;
  let text = value.trim();
  if (text === '') return null;

  const shorthand = /^(github|gitlab|bitbucket):([^/\s]+)\/([^/\s#]+?)(?:\.git)?(?:#.*)?$/.exec(text);
  if (shorthand) return `https://${SHORTHAND_HOSTS[shorthand[1]!]}/${shorthand[2]}/${shorthand[3]}`;
  // `owner/repo` alone means GitHub, as in npm's manifest shorthand.
  const bare = /^([A-Za-z0-9][\w.-]*)\/([\w.-]+?)(?:\.git)?(?:#.*)?$/.exec(text);
  if (bare && !text.includes(':')) return `https://github.com/${bare[1]}/${bare[2]}`;
  // scp-like `git@host:owner/repo.git`
  const scp = /^(?:[\w.-]+@)?([\w.-]+\.[a-z]{2,}):(?!\/\/)(.+)$/i.exec(text);
  if (scp) text = `https://${scp[1]}/${scp[2]}`;

  text = text.replace(/^git\+/, '');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (!['https:', 'http:', 'git:', 'ssh:', 'git+ssh:'].includes(url.protocol)) return null;
  const path = url.pathname
    .replace(/\/+$/, '')
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  if (path === '' || path === '/') return null;
  return `https://${url.hostname.toLowerCase()}${path}`;
}

/** Same repository, after normalisation; owner and name compare case-sensitively. */
export function sameRepository(a: unknown, b: unknown): boolean {
  const left = normalizeRepositoryUrl(a);
  return left !== null && left === normalizeRepositoryUrl(b);
}
