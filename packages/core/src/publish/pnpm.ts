import { isAbsolute, join } from 'node:path';
import type { ExecResult } from '../context.js';
import { classifyFailure } from './classify.js';
import { integrityOf } from './integrity.js';
import { isRecord, parseTrailingJson } from './json-output.js';
import { NPM_QUIET_ENV, commonPublishArgs } from './npm.js';
import type { Invocation, PublisherAdapter, PublishOutcome } from './types.js';

/**
 * pnpm, one package per process (`pnpm -r publish` drops `--provenance` in
 * pnpm 9). Packs once with `pnpm pack` (its own `workspace:` rewriting),
 * then publishes exactly that tarball: `pnpm publish <tgz>` — pnpm ≤ 10
 * hands it to `npm publish <tgz>`, 11 uploads it with libnpmpublish, 12
 * natively. The integrity is then known before the upload, so an answer
 * lost after the registry stored the version is settled by comparison.
 *
 * Publishing runs from the root: pnpm ≤ 10's npm reads only the root's
 * `.npmrc` (the token) when started there. Without a packed tarball (pack
 * failed) it falls back to publishing the folder.
 */
export function pnpmAdapter(version: string, bin = 'pnpm'): PublisherAdapter {
  return {
    name: 'pnpm',
    version,
    batching: 'per-package',
    packsAlongside: false,
    // the packed tarball is what gets uploaded
    reproduciblePack: true,
    publishesPackedTarball: true,
    publishInvocation(targets, options): Invocation {
      const target = onlyOne(targets);
      const tarball = options.tarballs?.get(target.name);
      const env = { ...NPM_QUIET_ENV, ...options.provenanceEnv };
      if (tarball === undefined) {
        return {
          file: bin,
          args: ['publish', '--no-git-checks', ...commonPublishArgs(options)],
          cwd: target.dir,
          env,
        };
      }
      return {
        file: bin,
        args: ['publish', tarball, '--json', '--no-git-checks', ...commonPublishArgs(options)],
        cwd: options.root,
        env,
      };
    },
    readOutcome(targets, result) {
      const target = onlyOne(targets);
      return new Map([[target.name, readPnpmPublish(target.name, result)]]);
    },
    packInvocations(targets, options) {
      return targets.map((t) => ({
        file: bin,
        args: ['pack', '--pack-destination', options.tmpDir, '--json'],
        cwd: t.dir,
        env: { ...NPM_QUIET_ENV, ...options.env },
      }));
    },
    readPack(invocation, result, readBytes) {
      const out = new Map<string, string>();
      for (const [name, file] of readPnpmPack(result.stdout, invocation.args[2] ?? invocation.cwd)) {
        const bytes = readBytes(file);
        if (bytes) out.set(name, integrityOf(bytes));
      }
      return out;
    },
    runScriptInvocation(target, script, env) {
      return { file: bin, args: ['run', script], cwd: target.dir, env: { ...NPM_QUIET_ENV, ...env } };
    },
    packedFiles(invocation, result) {
      return readPnpmPack(result.stdout, invocation.args[2] ?? invocation.cwd);
    },
  };
}

/**
 * `pnpm pack --json`: one bare object `{name, version, filename, …}` in
 * every generation (9–11 give the path, 12 adds `integrity` and `manifest`).
 */
export function readPnpmPack(stdout: string, packDir: string): Map<string, string> {
  const json = parseTrailingJson(stdout);
  const out = new Map<string, string>();
  if (isRecord(json) && typeof json.name === 'string' && typeof json.filename === 'string') {
    out.set(json.name, isAbsolute(json.filename) ? json.filename : join(packDir, json.filename));
  }
  return out;
}

/**
 * One package's `pnpm publish --json`. Success: npm's `{"<name>": {…}}`
 * (pnpm ≤ 10, printed by npm) or one bare object (pnpm 11/12). Failure:
 * npm's `{"error":{"summary","detail"}}` or pnpm's
 * `{"error":{"code","message"}}` on stdout — the text carries the
 * registry's words either way, which classifyFailure reads.
 */
export function readPnpmPublish(name: string, result: ExecResult): PublishOutcome {
  const json = parseTrailingJson(result.stdout);
  if (result.exitCode === 0) {
    const entry = isRecord(json) ? (isRecord(json[name]) ? json[name] : json) : null;
    const integrity = isRecord(entry) && typeof entry.integrity === 'string' ? entry.integrity : null;
    return { kind: 'published', integrity };
  }
  return classifyFailure(`${errorText(json)}\n${result.stdout}\n${result.stderr}`);
}

function errorText(json: unknown): string {
  if (!isRecord(json) || !isRecord(json.error)) return '';
  const { code, message, summary, detail } = json.error;
  return [code, message, summary, detail].filter((s): s is string => typeof s === 'string').join('\n');
}

export function onlyOne<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined || items.length !== 1) throw new Error(`expected one package, got ${items.length}`);
  return first;
}
