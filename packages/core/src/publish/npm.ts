import type { ExecResult } from '../context.js';
import { classifyFailure } from './classify.js';
import { isRecord, parseTrailingJson } from './json-output.js';
import type {
  Invocation,
  PackOptions,
  PublishCommandOptions,
  PublishOutcome,
  PublisherAdapter,
  PublishTarget,
} from './types.js';

/** Quiet, non-interactive npm. */
export const NPM_QUIET_ENV: Readonly<Record<string, string>> = {
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  npm_config_progress: 'false',
};

/** npm's log level `http`: its registry answers on stderr, one line each, as they come. */
export const NPM_HTTP_LOG_ENV: Readonly<Record<string, string>> = { npm_config_loglevel: 'http' };

/**
 * `npm http fetch PUT 200 http://registry/@scope%2fname 1523ms` → `@scope/name`:
 * npm-registry-fetch logs an answer once its body has been read (npm 10–12), and
 * a publish PUTs the packument to the package's own path, so a 2xx there is the
 * registry accepting that version. null for any other line.
 */
export function acceptedByRegistry(line: string): string | null {
  const match = /\bhttp fetch PUT 2\d\d (\S+) \d+ms/.exec(line);
  if (!match?.[1]) return null;
  let path: string;
  try {
    path = new URL(match[1]).pathname;
  } catch {
    return null;
  }
  const last = path.split('/').filter(Boolean).pop();
  if (!last) return null;
  try {
    const name = decodeURIComponent(last);
    return /^(@[^/]+\/)?[^/@]+$/.test(name) ? name : null;
  } catch {
    return null;
  }
}

/** `-w a -w b` from the root, or nothing for a single-package repo. */
export function workspaceArgs(targets: readonly PublishTarget[]): string[] {
  return targets.flatMap((t) => (t.relDir === '' || t.relDir === '.' ? [] : ['-w', t.name]));
}

export function commonPublishArgs(options: PublishCommandOptions): string[] {
  const args = ['--registry', options.registry];
  if (options.tag) args.push('--tag', options.tag);
  if (options.access) args.push('--access', options.access);
  return [...args, ...options.provenanceArgs];
}

/**
 * npm: `npm publish -w a -w b --json` from the root. npm publishes the
 * workspaces one after another in one process and stops at the first
 * failure; what it did publish is listed in its JSON, keyed by name.
 */
export function npmAdapter(version: string, bin = 'npm'): PublisherAdapter {
  return {
    name: 'npm',
    version,
    batching: 'batch',
    // execWorkspaces: the -w filters' order, one at a time, the first error ends the run
    batchInOrder: true,
    packsAlongside: true,
    reportsIntegrity: true,
    reproduciblePack: true,
    publishInvocation(targets, options): Invocation {
      return {
        file: bin,
        args: ['publish', ...workspaceArgs(targets), '--json', ...commonPublishArgs(options)],
        cwd: options.root,
        // http: npm logs each registry answer as it comes (acceptedIn), a line or two per package
        env: {
          ...NPM_QUIET_ENV,
          ...(targets.length > 1 && options.logAcceptance === true ? NPM_HTTP_LOG_ENV : {}),
          ...options.provenanceEnv,
        },
      };
    },
    acceptedIn: acceptedByRegistry,
    readOutcome(targets, result) {
      return readNpmPublishJson(targets, result);
    },
    packInvocations(targets, options: PackOptions) {
      return [
        {
          file: bin,
          args: ['pack', '--dry-run', '--json', ...workspaceArgs(targets)],
          cwd: options.root,
          env: { ...NPM_QUIET_ENV, ...options.env },
        },
      ];
    },
    readPack(_invocation, result) {
      return readNpmPackJson(result.stdout);
    },
  };
}

export function readNpmPublishJson(
  targets: readonly PublishTarget[],
  result: ExecResult,
): Map<string, PublishOutcome> {
  const out = new Map<string, PublishOutcome>();
  const json = parseTrailingJson(result.stdout);
  const published = new Map<string, string | null>();
  if (isRecord(json)) {
    // one package: the pack summary itself; several: keyed by name
    if (typeof json.name === 'string' && typeof json.id === 'string') {
      published.set(json.name, typeof json.integrity === 'string' ? json.integrity : null);
    }
    for (const [key, value] of Object.entries(json)) {
      if (isRecord(value) && typeof value.integrity === 'string') published.set(key, value.integrity);
    }
  }
  const failure = result.exitCode === 0 ? null : classifyFailure(`${result.stderr}\n${errorSummary(json)}`);
  for (const target of targets) {
    const integrity = published.get(target.name);
    if (integrity !== undefined || (result.exitCode === 0 && failure === null)) {
      out.set(target.name, { kind: 'published', integrity: integrity ?? null });
    } else if (targets.length === 1 && failure) {
      out.set(target.name, failure);
    } else {
      // A batch stopped early: which package failed is not said reliably.
      out.set(target.name, { kind: 'not-attempted' });
    }
  }
  return out;
}

function errorSummary(json: unknown): string {
  if (!isRecord(json) || !isRecord(json.error)) return '';
  const { summary, detail, code } = json.error;
  return [code, summary, detail].filter((s): s is string => typeof s === 'string' && s !== '').join('\n');
}

/** `npm pack --json`: an array (npm ≤ 11), an object keyed by name with `-w` (npm 12), or one summary. */
export function readNpmPackJson(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  const json = parseTrailingJson(stdout);
  const entries = Array.isArray(json)
    ? json
    : isRecord(json) && typeof json.name !== 'string'
      ? Object.values(json)
      : [json];
  for (const entry of entries) {
    if (isRecord(entry) && typeof entry.name === 'string' && typeof entry.integrity === 'string') {
      out.set(entry.name, entry.integrity);
    }
  }
  return out;
}
