import type { RegistryAuth } from './npmrc.js';
import { packTarball, tarballDigests } from './tarball.js';

export interface PrepublishSpec {
  name: string;
  version: string;
  /** dist-tag to point at the version. Default `latest`. */
  tag?: string;
  /** Extra manifest fields (dependencies, repository, ...). */
  manifest?: Record<string, unknown>;
  /** Extra files in the tarball, path relative to the package root. */
  files?: Record<string, string>;
}

export interface PrepublishResult {
  name: string;
  version: string;
  integrity: string;
  shasum: string;
  tarballUrl: string;
}

/** `@scope/name` → `@scope%2fname`, as npm writes a package name in a URL path. */
export function escapePackageName(name: string): string {
  return name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);
}

/**
 * Publishes a tiny generated package with one direct `PUT /<name>` (what `npm publish` sends,
 * minus provenance), so a test can pre-populate versions without starting npm.
 */
export async function prepublish(registry: RegistryAuth, spec: PrepublishSpec): Promise<PrepublishResult> {
  const manifest = { name: spec.name, version: spec.version, ...spec.manifest };
  const tarball = packTarball({
    'package.json': `${JSON.stringify(manifest, null, 2)}\n`,
    'index.js': `module.exports = ${JSON.stringify(`${spec.name}@${spec.version}`)};\n`,
    ...spec.files,
  });
  const digests = tarballDigests(tarball);
  const base = registry.url.endsWith('/') ? registry.url : `${registry.url}/`;
  const fileName = `${spec.name.replace(/^@[^/]+\//, '')}-${spec.version}.tgz`;
  const tarballUrl = `${base}${spec.name}/-/${fileName}`;
  const body = {
    _id: spec.name,
    name: spec.name,
    access: 'public',
    'dist-tags': { [spec.tag ?? 'latest']: spec.version },
    versions: {
      [spec.version]: {
        ...manifest,
        _id: `${spec.name}@${spec.version}`,
        dist: { integrity: digests.integrity, shasum: digests.shasum, tarball: tarballUrl },
      },
    },
    _attachments: {
      [`${spec.name}-${spec.version}.tgz`]: {
        content_type: 'application/octet-stream',
        data: tarball.toString('base64'),
        length: tarball.length,
      },
    },
  };
  const response = await fetch(`${base}${escapePackageName(spec.name)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${registry.token}` },
    body: JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(`prepublish ${spec.name}@${spec.version}: ${response.status} ${await response.text()}`);
  }
  return {
    name: spec.name,
    version: spec.version,
    integrity: digests.integrity,
    shasum: digests.shasum,
    tarballUrl,
  };
}
