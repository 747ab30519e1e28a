import { classifyFailure, publisherMessage } from './classify.js';
import { NPM_QUIET_ENV, npmAdapter } from './npm.js';
import { pnpmAdapter } from './pnpm.js';
import type { PublisherAdapter, PublishOutcome } from './types.js';

/**
 * changesets: `changeset publish` is run whole — it decides the order and
 * skips versions it finds on the registry itself. It ignores `.npmrc`'s
 * `registry=` for that check, so the registry goes in through
 * `npm_config_registry`. Packing follows the tool it runs underneath
 * (pnpm when the repo uses pnpm, else npm).
 */
export function changesetsAdapter(
  version: string,
  options: { bin?: string; underlying: 'npm' | 'pnpm'; underlyingBin?: string },
): PublisherAdapter {
  const bin = options.bin ?? 'changeset';
  const packer =
    options.underlying === 'pnpm'
      ? pnpmAdapter('', options.underlyingBin)
      : npmAdapter('', options.underlyingBin);
  return {
    name: 'changesets',
    version,
    batching: 'whole',
    packsAlongside: packer.packsAlongside,
    reproduciblePack: packer.reproduciblePack,
    publishInvocation(_targets, opts) {
      const args = ['publish'];
      if (opts.tag) args.push('--tag', opts.tag);
      return {
        file: bin,
        args,
        cwd: opts.root,
        env: {
          ...NPM_QUIET_ENV,
          npm_config_registry: opts.registry,
          ...(opts.access ? { npm_config_access: opts.access } : {}),
          ...opts.provenanceEnv,
        },
      };
    },
    readOutcome(targets, result) {
      return readChangesetsOutput(
        targets.map((t) => t.name),
        `${result.stdout}\n${result.stderr}`,
      );
    },
    packInvocations: (targets, opts) => packer.packInvocations(targets, opts),
    readPack: (invocation, result, readBytes) => packer.readPack(invocation, result, readBytes),
  };
}

const NAME_AT_VERSION = /(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?)@(\d[^\s]*)/i;

/** Reads changesets' log: the success list, per-package errors, "already published" warnings. */
export function readChangesetsOutput(names: readonly string[], output: string): Map<string, PublishOutcome> {
  const out = new Map<string, PublishOutcome>();
  // eslint-disable-next-line no-control-regex -- strips ANSI colours
  const lines = output.split(/\r?\n/).map((l) => l.replace(/\u001b\[[0-9;]*m/g, ''));
  let inSuccessList = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/packages? published successfully/i.test(line)) {
      inSuccessList = true;
      continue;
    }
    const errorFor = /an error occurred while publishing (\S+?):?\s/i.exec(`${line} `);
    if (errorFor?.[1]) {
      const detail = lines.slice(i, i + 15).join('\n');
      out.set(errorFor[1], classifyFailure(detail));
      inSuccessList = false;
      continue;
    }
    const already = /warn (\S+) is not being published because version (\S+) is already published/i.exec(
      line,
    );
    if (already?.[1]) {
      out.set(already[1], { kind: 'already-published', message: publisherMessage(line) });
      continue;
    }
    if (inSuccessList) {
      const match = NAME_AT_VERSION.exec(line);
      if (match?.[1] && names.includes(match[1])) out.set(match[1], { kind: 'published', integrity: null });
      else if (!/🦋\s*$/.test(line) && line.trim() !== '' && !match) inSuccessList = false;
    }
  }
  for (const name of names) if (!out.has(name)) out.set(name, { kind: 'not-attempted' });
  return out;
}
