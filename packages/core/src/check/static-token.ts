import { join } from 'node:path';
import { authFor, type NpmConfig } from '../registry/npm-config.js';

/** What stored token the publisher would send to the registry (SPEC §7: it decides fallbacks). */
export type StaticToken =
  | { kind: 'none' }
  | { kind: 'token'; where: string }
  /** actions/setup-node's `XXXXX-XXXXX-XXXXX-XXXXX`: not a credential. */
  | { kind: 'placeholder'; where: string }
  /** `${VAR}` whose variable is unset or empty: the publisher sends nothing usable. */
  | { kind: 'unresolved'; variable: string; where: string };

/** setup-node writes `_authToken=${NODE_AUTH_TOKEN}` and sets this when no token is given. */
export const SETUP_NODE_PLACEHOLDER = 'XXXXX-XXXXX-XXXXX-XXXXX';

type Env = Readonly<Record<string, string | undefined>>;

export interface StaticTokenSources {
  publisher: 'npm' | 'pnpm' | 'yarn' | 'changesets' | null;
  registry: string;
  root: string;
  env: Env;
  readFile: (path: string) => string | null;
  npmConfig: NpmConfig;
}

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[-:][^}]*)?\}/;

/** The stored token for the registry, as the publisher would find it. */
export function findStaticToken(src: StaticTokenSources): StaticToken {
  return src.publisher === 'yarn' ? yarnToken(src) : npmToken(src);
}

function classify(value: string, where: string, env: Env): StaticToken {
  const unresolved = VAR.exec(value);
  if (unresolved?.[1] && !env[unresolved[1]]) return { kind: 'unresolved', variable: unresolved[1], where };
  const resolved = value.replace(new RegExp(VAR.source, 'g'), (_, name: string) => env[name] ?? '');
  if (resolved.trim() === SETUP_NODE_PLACEHOLDER) return { kind: 'placeholder', where };
  return resolved.trim() === '' ? { kind: 'none' } : { kind: 'token', where };
}

function nerfDarts(registry: string): string[] {
  const url = new URL(registry);
  const segments = url.pathname.split('/').filter(Boolean);
  const out: string[] = [];
  for (let i = segments.length; i >= 0; i--) {
    const path = segments.slice(0, i).join('/');
    out.push(`//${url.host}/${path ? `${path}/` : ''}`);
  }
  return out;
}

function npmToken(src: StaticTokenSources): StaticToken {
  const auth = authFor(src.npmConfig, src.registry);
  const darts = nerfDarts(src.registry);
  // The raw lines, before npm's `${VAR}` expansion: later files win, as in npm.
  let raw: { value: string; where: string } | null = null;
  for (const file of src.npmConfig.files) {
    const text = src.readFile(file);
    if (text === null) continue;
    for (const line of text.split(/\r?\n/)) {
      const m = /^\s*([^=;#\s][^=]*?)\s*=\s*(.*?)\s*$/.exec(line);
      if (!m?.[1] || !darts.some((d) => m[1] === `${d}:_authToken`)) continue;
      raw = { value: m[2]!.replace(/^(["'])(.*)\1$/, '$2'), where: file };
    }
  }
  for (const [key, value] of Object.entries(src.env)) {
    if (
      value !== undefined &&
      /^npm_config_\/\//i.test(key) &&
      darts.some((d) => key.slice(11) === `${d}:_authToken`)
    )
      raw = { value, where: key };
  }
  if (raw !== null) {
    const found = classify(raw.value, raw.where, src.env);
    if (found.kind !== 'none' || auth.kind === 'none') return found;
  }
  return auth.kind === 'none'
    ? { kind: 'none' }
    : { kind: 'token', where: src.npmConfig.files.at(-1) ?? 'the npm config' };
}

function yarnToken(src: StaticTokenSources): StaticToken {
  const fromEnv = src.env.YARN_NPM_AUTH_TOKEN ?? src.env.YARN_NPM_AUTH_IDENT;
  if (fromEnv) return classify(fromEnv, 'YARN_NPM_AUTH_TOKEN', src.env);
  const file = join(src.root, '.yarnrc.yml');
  const text = src.readFile(file);
  const m = text === null ? null : /^\s*npmAuth(?:Token|Ident)\s*:\s*(.+?)\s*$/m.exec(text);
  if (!m?.[1]) return { kind: 'none' };
  return classify(m[1].replace(/^(["'])(.*)\1$/, '$2'), file, src.env);
}
