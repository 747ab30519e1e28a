import { homedir } from 'node:os';
import { join } from 'node:path';
import { registerSecret } from '../redact.js';

/**
 * The parts of npm's configuration Provenant needs (registry, scoped
 * registries, credentials), read the way npm reads them: user `.npmrc`
 * (or `NPM_CONFIG_USERCONFIG`), then the project `.npmrc`, then
 * `npm_config_*` environment variables, later sources winning.
 */
export interface NpmConfig {
  /** The default registry, always with a trailing slash. */
  registry: string;
  /** Every key/value after merging, keys lower-cased except nerf-darted ones. */
  values: Readonly<Record<string, string>>;
  /** Which file each key came from (for hints). */
  files: readonly string[];
}

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** The monorepo root, where the project `.npmrc` lives. */
  projectDir: string;
  readFile: (path: string) => string | null;
  home?: string;
}

export const NPMJS_REGISTRY = 'https://registry.npmjs.org/';

export function readNpmConfig(sources: ConfigSources): NpmConfig {
  const { env } = sources;
  const files: string[] = [];
  const values: Record<string, string> = {};
  const userConfig = envValue(env, 'userconfig') ?? join(sources.home ?? homedir(), '.npmrc');
  for (const file of [userConfig, join(sources.projectDir, '.npmrc')]) {
    const text = sources.readFile(file);
    if (text === null) continue;
    files.push(file);
    Object.assign(values, parseIni(text, env));
  }
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const match = /^npm_config_(.+)$/i.exec(key);
    if (!match?.[1]) continue;
    const name = match[1].startsWith('//') ? match[1] : match[1].toLowerCase().replace(/_/g, '-');
    values[name] = value;
  }
  for (const [key, value] of Object.entries(values)) {
    if (/(?:_authtoken|_auth|_password)$/i.test(key)) registerSecret(value);
  }
  registerSecret(env.NODE_AUTH_TOKEN);
  registerSecret(env.NPM_TOKEN);
  return { registry: withSlash(values.registry ?? NPMJS_REGISTRY), values, files };
}

function envValue(env: ConfigSources['env'], name: string): string | undefined {
  return env[`npm_config_${name}`] ?? env[`NPM_CONFIG_${name.toUpperCase()}`];
}

/** npm's ini dialect: `key = value`, `;`/`#` comments, `${VAR}` expansion, optional quotes. */
export function parseIni(text: string, env: ConfigSources['env']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith(';') || line.startsWith('#') || line.startsWith('[')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if (/^".*"$|^'.*'$/.test(value)) value = value.slice(1, -1);
    value = value.replace(/(\\*)\$\{([^}]+)\}/g, (whole, slashes: string, name: string) =>
      slashes.length % 2 === 1 ? whole.slice(1) : slashes + (env[name] ?? ''),
    );
    out[key.startsWith('//') ? key : key.toLowerCase()] = value;
  }
  return out;
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** The registry for a package name: its scope's registry when one is configured. */
export function registryFor(config: NpmConfig, name: string): string {
  if (name.startsWith('@')) {
    const scope = name.slice(0, name.indexOf('/'));
    const scoped = config.values[`${scope}:registry`];
    if (scoped) return withSlash(scoped);
  }
  return config.registry;
}

export type RegistryAuth =
  { kind: 'token'; token: string } | { kind: 'basic'; value: string } | { kind: 'none' };

/**
 * Credentials for a registry URL, looked up by npm's "nerf dart"
 * (`//host/path/:_authToken`), walking up the path as npm does.
 */
export function authFor(config: NpmConfig, registry: string): RegistryAuth {
  const url = new URL(registry);
  const segments = url.pathname.split('/').filter(Boolean);
  for (let i = segments.length; i >= 0; i--) {
    const path = segments.slice(0, i).join('/');
    const dart = `//${url.host}/${path ? `${path}/` : ''}`;
    const token = config.values[`${dart}:_authToken`];
    if (token) return { kind: 'token', token };
    const auth = config.values[`${dart}:_auth`];
    if (auth) return { kind: 'basic', value: auth };
    const user = config.values[`${dart}:username`];
    const password = config.values[`${dart}:_password`];
    if (user && password) {
      const decoded = Buffer.from(password, 'base64').toString('utf8');
      return { kind: 'basic', value: Buffer.from(`${user}:${decoded}`).toString('base64') };
    }
  }
  return { kind: 'none' };
}
