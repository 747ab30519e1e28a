import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RegistryAuth {
  url: string;
  token: string;
}

/** `//127.0.0.1:<port>/` — the key npm uses for per-registry settings. */
export function nerfDart(registryUrl: string): string {
  const url = new URL(registryUrl);
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return `//${url.host}${path}`;
}

/** A registry and, unless null (a tokenless job: trusted publishing), its token. */
export interface RegistryTarget {
  url: string;
  token: string | null;
}

/** The lines of an `.npmrc` pointing npm at the registry with its token (none when `token` is null). */
export function npmrcLines(registry: RegistryTarget): string[] {
  const auth = registry.token === null ? [] : [`${nerfDart(registry.url)}:_authToken=${registry.token}`];
  return [`registry=${registry.url}`, ...auth];
}

/** Writes `<dir>/.npmrc` (replacing it) and returns its path. */
export async function writeNpmrc(
  dir: string,
  registry: RegistryTarget,
  extraLines: string[] = [],
): Promise<string> {
  const path = join(dir, '.npmrc');
  await writeFile(path, `${[...npmrcLines(registry), ...extraLines].join('\n')}\n`);
  return path;
}

/** Writes `<dir>/.yarnrc.yml` for yarn berry against a plain-HTTP local registry. */
export async function writeYarnrc(
  dir: string,
  registry: RegistryTarget,
  extraLines: string[] = [],
): Promise<string> {
  const path = join(dir, '.yarnrc.yml');
  const lines = [
    `npmRegistryServer: "${registry.url.replace(/\/$/, '')}"`,
    ...(registry.token === null ? [] : [`npmAuthToken: "${registry.token}"`]),
    'unsafeHttpWhitelist: ["127.0.0.1", "localhost"]',
    'nodeLinker: node-modules',
    'enableTelemetry: false',
    'enableGlobalCache: false',
    ...extraLines,
  ];
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
