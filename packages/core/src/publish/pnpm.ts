import { classifyFailure } from './classify.js';
import { isRecord, parseTrailingJson } from './json-output.js';
import { NPM_QUIET_ENV, commonPublishArgs } from './npm.js';
import { integrityOf } from './integrity.js';
import type { PublisherAdapter } from './types.js';

/**
 * pnpm: `pnpm publish` in the package folder, one package per process.
 * pnpm 9/10 pack the package themselves (rewriting `workspace:` ranges) and
 * hand the tarball to `npm publish`; `pnpm -r publish` is not used because
 * pnpm 9 silently drops `--provenance` there. Packing uses `pnpm pack` so
 * the recorded integrity is that of the tarball pnpm will upload.
 */
export function pnpmAdapter(version: string, bin = 'pnpm'): PublisherAdapter {
  return {
    name: 'pnpm',
    version,
    batching: 'per-package',
    packsAlongside: false,
    reproduciblePack: false,
    publishInvocation(targets, options) {
      const target = onlyOne(targets);
      return {
        file: bin,
        args: ['publish', '--no-git-checks', ...commonPublishArgs(options)],
        cwd: target.dir,
        env: { ...NPM_QUIET_ENV, ...options.provenanceEnv },
      };
    },
    readOutcome(targets, result) {
      const target = onlyOne(targets);
      const outcome =
        result.exitCode === 0
          ? { kind: 'published' as const, integrity: null }
          : classifyFailure(`${result.stdout}\n${result.stderr}`);
      return new Map([[target.name, outcome]]);
    },
    packInvocations(targets, options) {
      return targets.map((t) => ({
        file: bin,
        args: ['pack', '--pack-destination', options.tmpDir, '--json'],
        cwd: t.dir,
        env: { ...NPM_QUIET_ENV, ...options.env },
      }));
    },
    readPack(_invocation, result, readBytes) {
      const out = new Map<string, string>();
      const json = parseTrailingJson(result.stdout);
      if (isRecord(json) && typeof json.name === 'string' && typeof json.filename === 'string') {
        const bytes = readBytes(json.filename);
        if (bytes) out.set(json.name, integrityOf(bytes));
      }
      return out;
    },
  };
}

export function onlyOne<T>(items: readonly T[]): T {
  const [first] = items;
  if (first === undefined || items.length !== 1) throw new Error(`expected one package, got ${items.length}`);
  return first;
}
