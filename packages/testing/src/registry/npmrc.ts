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

/** The lines of an `.npmrc` pointing npm at the registry with its token. */
export function npmrcLines(registry: RegistryAuth): string[] {
  return [`registry=${registry.url}`, `${nerfDart(registry.url)}:_authToken=${registry.token}`];
}

/** Writes `<dir>/.npmrc` (replacing it) and returns its path. */
export async function writeNpmrc(
  dir: string,
  registry: RegistryAuth,
  extraLines: string[] = [],
): Promise<string> {
  const path = join(dir, '.npmrc');
  await writeFile(path, `${[...npmrcLines(registry), ...extraLines].join('\n')}\n`);
  return path;
}

/** Writes `<dir>/.yarnrc.yml` for yarn berry against a plain-HTTP local registry. */
export async function writeYarnrc(
  dir: string,
  registry: RegistryAuth,
  extraLines: string[] = [],
): Promise<string> {
  const path = join(dir, '.yarnrc.yml');
  const lines = [
    `npmRegistryServer: "${registry.url.replace(/\/$/, '')}"`,
    `npmAuthToken: "${registry.token}"`,
    'unsafeHttpWhitelist: ["127.0.0.1", "localhost"]',
    'nodeLinker: node-modules',
    'enableTelemetry: false',
    'enableGlobalCache: false',
    ...extraLines,
  ];
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
