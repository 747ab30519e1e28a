import { join } from 'node:path';
import { classifyFailure } from './classify.js';
import { integrityOf } from './integrity.js';
import { onlyOne } from './pnpm.js';
import type { PublisherAdapter, PublishTarget } from './types.js';

/**
 * yarn berry (≥ 4.9 for provenance): `yarn npm publish` in the workspace
 * folder, one package per process. The registry goes in through
 * `YARN_NPM_PUBLISH_REGISTRY`, which overrides `.yarnrc.yml` for this run only.
 */
export function yarnAdapter(version: string, bin = 'yarn'): PublisherAdapter {
  return {
    name: 'yarn',
    version,
    batching: 'per-package',
    publishInvocation(targets, options) {
      const target = onlyOne(targets);
      const args = ['npm', 'publish'];
      if (options.tag) args.push('--tag', options.tag);
      if (options.access) args.push('--access', options.access);
      return {
        file: bin,
        args: [...args, ...options.provenanceArgs],
        cwd: target.dir,
        env: {
          YARN_NPM_PUBLISH_REGISTRY: options.registry,
          YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
          YARN_ENABLE_TELEMETRY: '0',
          ...options.provenanceEnv,
        },
      };
    },
    readOutcome(targets, result) {
      const target = onlyOne(targets);
      const outcome =
        result.exitCode !== 0
          ? classifyFailure(`${result.stdout}\n${result.stderr}`)
          : { kind: 'published' as const, integrity: null };
      return new Map([[target.name, outcome]]);
    },
    packInvocations(targets, options) {
      return targets.map((t) => ({
        file: bin,
        args: ['pack', '--out', yarnTarball(options.tmpDir, t)],
        cwd: t.dir,
        env: { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false', YARN_ENABLE_TELEMETRY: '0', ...options.env },
      }));
    },
    readPack(invocation, _result, readBytes) {
      const out = new Map<string, string>();
      const file = invocation.args[2];
      const name = file ? nameFromTarball(file) : null;
      const bytes = file ? readBytes(file) : null;
      if (name && bytes) out.set(name, integrityOf(bytes));
      return out;
    },
  };
}

/** `<tmp>/<encoded name>.tgz`: the package name survives the round trip. */
function yarnTarball(tmpDir: string, target: PublishTarget): string {
  return join(tmpDir, `${encodeURIComponent(target.name)}.tgz`);
}

function nameFromTarball(file: string): string | null {
  const base = file.split(/[\\/]/).pop() ?? '';
  return base.endsWith('.tgz') ? decodeURIComponent(base.slice(0, -4)) : null;
}
