import type { SkipReason } from './types.js';

/**
 * What a lockfile's `resolved`/`version` says about where a package came
 * from: null for a registry tarball (or no URL at all), else why it is skipped.
 */
export function classifyResolved(resolved: string | null | undefined, name: string): SkipReason | null {
  if (!resolved) return null;
  if (/^(file|directory):/.test(resolved)) return 'file';
  if (/^(link|portal):/.test(resolved)) return 'link';
  if (resolved.startsWith('workspace:')) return 'workspace';
  if (/^(git\+|git:|github:|gitlab:|bitbucket:|ssh:)/.test(resolved) || /\.git(#|$)/.test(resolved))
    return 'git';
  if (/^https?:\/\//.test(resolved)) return isRegistryTarball(resolved, name) ? null : 'tarball';
  return null;
}

/** `<registry>/<name>/-/<base>-<version>.tgz`, the only tarball URL shape a registry serves. */
export function isRegistryTarball(url: string, name: string): boolean {
  let path: string;
  try {
    path = decodeURIComponent(new URL(url).pathname);
  } catch {
    return false;
  }
  const base = name.split('/').pop() ?? name;
  return path.includes(`/${name}/-/${base}-`) && path.endsWith('.tgz');
}
