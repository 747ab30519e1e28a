import semver from 'semver';
import { ProvenantError } from '../errors.js';
import { findJsonError } from './json-position.js';
import type { PackageManifest } from './types.js';

/**
 * Parses a `package.json` text: a leading BOM is allowed (editors on Windows
 * write one, npm accepts it); a syntax error names the file, line and column.
 */
export function parseManifest(text: string, file: string): PackageManifest {
  const body = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const where = findJsonError(body);
    const at = where ? `line ${where.line}, column ${where.column}: ${where.reason}` : String(error);
    throw new ProvenantError('INVALID_MANIFEST', `${file} is not valid JSON (${at}).`, {
      hint: `Fix the JSON syntax of ${file}${where ? ` at line ${where.line}, column ${where.column}` : ''}; \`node -e "JSON.parse(require('fs').readFileSync('${file.replace(/\\/g, '/')}','utf8'))"\` shows the error.`,
      cause: error,
    });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProvenantError('INVALID_MANIFEST', `${file} must hold a JSON object.`, {
      hint: `Make ${file} an object such as {"name": "my-package", "version": "1.0.0"}.`,
    });
  }
  return value as PackageManifest;
}

/**
 * A name that could escape a folder when used as a path (`../x`, `a/b/c`,
 * backslashes): refused for the whole run, since names become file paths.
 */
export function isUnsafePackageName(name: string): boolean {
  if (name.includes('\\') || name.includes('\0')) return true;
  const parts = name.split('/');
  if (name.startsWith('@') ? parts.length !== 2 : parts.length !== 1) return true;
  return parts.some((part) => part === '' || part === '.' || part === '..' || part.startsWith('.'));
}

/** npm's rules for new package names (validate-npm-package-name), briefly. */
export function packageNameIssues(name: string): string[] {
  const issues: string[] = [];
  if (name.length > 214) issues.push('name is longer than 214 characters');
  if (name !== name.toLowerCase()) issues.push('name must be lower case');
  if (name.trim() !== name) issues.push('name has leading or trailing spaces');
  const bare = name.startsWith('@') ? name.slice(name.indexOf('/') + 1) : name;
  if (bare.startsWith('_')) issues.push('name cannot start with "_"');
  const scope = name.startsWith('@') ? name.slice(1, name.indexOf('/')) : null;
  for (const part of scope === null ? [bare] : [scope, bare]) {
    if (encodeURIComponent(part) !== part || /[~'!()*]/.test(part)) {
      issues.push(`name contains characters that are not URL-safe ("${part}")`);
      break;
    }
  }
  return issues;
}

/** The identity of one manifest, or a whole-run error for what cannot be reported per package. */
export function readIdentity(
  manifest: PackageManifest,
  file: string,
): { name: string | null; version: string; private: boolean; issues: string[] } {
  const isPrivate = manifest.private === true || manifest.private === 'true';
  const issues: string[] = [];
  let name: string | null = null;
  if (manifest.name === undefined || manifest.name === null || manifest.name === '') {
    if (!isPrivate) {
      throw new ProvenantError('INVALID_MANIFEST', `${file} has no "name".`, {
        hint: `Add a "name" to ${file}, e.g. "name": "@scope/package", or mark it "private": true.`,
      });
    }
  } else if (typeof manifest.name !== 'string') {
    throw new ProvenantError('INVALID_MANIFEST', `${file}: "name" must be a string.`, {
      hint: `Write the name as a string in ${file}, e.g. "name": "@scope/package".`,
    });
  } else if (isUnsafePackageName(manifest.name)) {
    throw new ProvenantError(
      'INVALID_MANIFEST',
      `${file}: the name ${JSON.stringify(manifest.name)} is not a package name (it could be read as a path).`,
      {
        hint: `Use a name like "package" or "@scope/package" in ${file}: no "..", no extra "/", no backslash, no leading ".".`,
      },
    );
  } else {
    name = manifest.name;
    if (!isPrivate) issues.push(...packageNameIssues(name));
  }

  let version = '';
  if (manifest.version === undefined || manifest.version === null || manifest.version === '') {
    if (!isPrivate) issues.push('"version" is missing');
  } else if (typeof manifest.version !== 'string') {
    issues.push('"version" must be a string');
  } else {
    version = manifest.version;
    if (!isPrivate && semver.valid(version) === null)
      issues.push(`"version" ${JSON.stringify(version)} is not valid semver`);
  }
  return { name, version, private: isPrivate, issues };
}
