import type { PackageReport } from '@provenant/core';
import type { Painter } from '../output.js';

/**
 * The auth path of a package in the terminal report: `oidc` (trusted
 * publishing) or `token` (a stored token); nothing when it will not publish.
 */
export function authColumn(p: Painter, pkg: PackageReport): string {
  if (!pkg.auth) return '';
  return `  ${p.dim('auth')} ${pkg.auth === 'oidc' ? p.green('oidc') : 'token'}`;
}
