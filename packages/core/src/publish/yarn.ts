import { join } from 'node:path';
import { classifyFailure } from './classify.js';
import { integrityOf } from './integrity.js';
import type { PublisherAdapter, PublishOutcome, PublishTarget } from './types.js';

/**
 * yarn berry (≥ 4.9 for provenance): `yarn npm publish`. One package runs in
 * its workspace folder; several go through one `yarn workspaces foreach -A
 * -p --include …` from the root (one Node start-up for the lot), whose
 * output is prefixed with each workspace's name. The registry goes in
 * through `YARN_NPM_PUBLISH_REGISTRY`, overriding `.yarnrc.yml` for this run.
 */
export function yarnAdapter(version: string, bin = 'yarn'): PublisherAdapter {
  const env = (extra: Readonly<Record<string, string>>) => ({
    YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
    YARN_ENABLE_TELEMETRY: '0',
    // plain `[name]: …` prefixes to read the outcome from
    YARN_ENABLE_COLORS: '0',
    ...extra,
  });
  return {
    name: 'yarn',
    version,
    batching: 'batch',
    // yarn pack runs prepack scripts in the workspace; keep it apart from publishing
    packsAlongside: false,
    reproduciblePack: true,
    publishInvocation(targets, options) {
      const args = ['npm', 'publish'];
      if (options.tag) args.push('--tag', options.tag);
      if (options.access) args.push('--access', options.access);
      const only = targets.length === 1 ? targets[0] : undefined;
      return {
        file: bin,
        args: only
          ? [...args, ...options.provenanceArgs]
          : [...foreach(targets), ...args, ...options.provenanceArgs],
        cwd: only ? only.dir : options.root,
        env: env({ YARN_NPM_PUBLISH_REGISTRY: options.registry, ...options.provenanceEnv }),
      };
    },
    readOutcome(targets, result) {
      const only = targets.length === 1 ? targets[0] : undefined;
      if (only) {
        const outcome =
          result.exitCode !== 0
            ? classifyFailure(`${result.stdout}\n${result.stderr}`)
            : { kind: 'published' as const, integrity: null };
        return new Map<string, PublishOutcome>([[only.name, outcome]]);
      }
      return readForeachOutput(
        targets.map((t) => t.name),
        `${result.stdout}\n${result.stderr}`,
      );
    },
    packInvocations(targets, options) {
      if (targets.length === 1) {
        return targets.map((t) => ({
          file: bin,
          args: ['pack', '--out', join(options.tmpDir, '%s.tgz')],
          cwd: t.dir,
          env: env(options.env),
        }));
      }
      return [
        {
          file: bin,
          args: [...foreach(targets), 'pack', '--out', join(options.tmpDir, '%s.tgz')],
          cwd: options.root,
          env: env(options.env),
        },
      ];
    },
    readPack(invocation, _result, readBytes) {
      const out = new Map<string, string>();
      const pattern = invocation.args[invocation.args.indexOf('--out') + 1] ?? '';
      const names = invocation.args.flatMap((a, i) => (invocation.args[i - 1] === '--include' ? [a] : []));
      // a single `yarn pack` runs in the package folder: its name is in its manifest
      const manifest = names.length === 0 ? readBytes(join(invocation.cwd, 'package.json')) : null;
      if (manifest) names.push(String((JSON.parse(manifest.toString('utf8')) as { name?: unknown }).name));
      for (const name of names) {
        // yarn's %s is the name with its slash turned into a dash: @s/a → @s-a
        const bytes = readBytes(pattern.replace('%s', name.replace('/', '-')));
        if (bytes) out.set(name, integrityOf(bytes));
      }
      return out;
    },
  };
}

function foreach(targets: readonly PublishTarget[]): string[] {
  return ['workspaces', 'foreach', '-A', '-p', '-v', ...targets.flatMap((t) => ['--include', t.name])];
}

/** Splits `[name]: …` lines by workspace: "Done" → published, "Failed" → its own message, else not tried. */
export function readForeachOutput(names: readonly string[], output: string): Map<string, PublishOutcome> {
  const lines = new Map<string, string[]>(names.map((n) => [n, []]));
  for (const raw of output.split(/\r?\n/)) {
    // eslint-disable-next-line no-control-regex -- colours off, but strip them anyway
    const match = /^\[(.+?)\]: (.*)$/.exec(raw.replace(/\u001b\[[0-9;]*m/g, '').trim());
    if (match?.[1] && match[2] !== undefined) lines.get(match[1])?.push(match[2]);
  }
  const out = new Map<string, PublishOutcome>();
  for (const [name, own] of lines) {
    const text = own.join('\n');
    if (/Failed with errors/.test(text)) out.set(name, classifyFailure(text));
    else if (/Done in /.test(text) || /Package archive published/.test(text))
      out.set(name, { kind: 'published', integrity: null });
    else out.set(name, { kind: 'not-attempted' });
  }
  return out;
}
