import { join } from 'node:path';
import { classifyFailure, publisherMessage } from './classify.js';
import { integrityOf } from './integrity.js';
import { isRecord } from './json-output.js';
import { NPM_QUIET_ENV, npmAdapter } from './npm.js';
import { pnpmAdapter } from './pnpm.js';
import { generationOf } from './support-matrix.js';
import type { Invocation, PublisherAdapter, PublishOutcome } from './types.js';
import { yarnAdapter } from './yarn.js';

/**
 * changesets: `changeset publish` is run whole — it decides the order and
 * skips versions it finds on the registry itself. It ignores `.npmrc`'s
 * `registry=` for that check, so the registry goes in through
 * `npm_config_registry`.
 *
 * 2.x: packing follows the tool it runs underneath (pnpm when the repo uses
 * pnpm, else npm) and is compared with the registry afterwards.
 * 3.x with npm underneath: `changeset pack --out-dir` once, then
 * `changeset publish --from-pack-dir` publishes exactly those tarballs, so
 * every integrity is known before the upload. (yarn cannot publish a
 * tarball; pnpm ≤ 10 runs npm in the package folder, without the root's
 * token; a dist-tag other than `latest` cannot be given in that mode: those
 * publish from the folders as 2.x does.)
 */
export function changesetsAdapter(
  version: string,
  options: { bin?: string; underlying: 'npm' | 'pnpm' | 'yarn'; underlyingBin?: string },
): PublisherAdapter {
  const bin = options.bin ?? 'changeset';
  const packer =
    options.underlying === 'pnpm'
      ? pnpmAdapter('', options.underlyingBin)
      : options.underlying === 'yarn'
        ? yarnAdapter('', options.underlyingBin)
        : npmAdapter('', options.underlyingBin);
  // pnpm ≤ 10 hands a tarball to npm started in the package folder, where npm reads no root
  // .npmrc (ENEEDAUTH, measured); yarn cannot publish a tarball. npm only, then.
  const fromPackDir =
    generationOf('changesets', version).generation.publishesTarball && options.underlying === 'npm';
  const env = (registry: string, access: string | undefined, extra: Readonly<Record<string, string>>) => ({
    ...NPM_QUIET_ENV,
    npm_config_registry: registry,
    ...(access ? { npm_config_access: access } : {}),
    ...extra,
  });
  return {
    name: 'changesets',
    version,
    batching: 'whole',
    packsAlongside: fromPackDir ? true : packer.packsAlongside,
    // pnpm's own pack can differ from the one its folder publish uploads (key order of
    // resolved workspace: ranges): without the tarball, record what the registry holds
    reproduciblePack: fromPackDir || options.underlying !== 'pnpm',
    // …but pnpm's pack still settles a lost answer when it matches the registry's bytes
    packToSettle: !fromPackDir && options.underlying === 'pnpm',
    publishesPackedTarball: fromPackDir,
    publishInvocation(_targets, opts): Invocation {
      const packDir = opts.tarballs?.values().next().value;
      const args = ['publish'];
      // the pack's plan holds changesets' own tags (`latest`); another dist-tag needs the folders
      const ownTag = !opts.tag || opts.tag === 'latest';
      if (fromPackDir && packDir !== undefined && ownTag) args.push('--from-pack-dir', packDir);
      else if (opts.tag) args.push('--tag', opts.tag);
      return {
        file: bin,
        args,
        cwd: opts.root,
        env: env(opts.registry, opts.access, opts.provenanceEnv),
      };
    },
    readOutcome(targets, result) {
      return readChangesetsOutput(
        targets.map((t) => t.name),
        `${result.stdout}\n${result.stderr}`,
      );
    },
    packInvocations(targets, opts) {
      if (!fromPackDir) return packer.packInvocations(targets, opts);
      return [
        {
          file: bin,
          args: ['pack', '--out-dir', opts.tmpDir],
          cwd: opts.root,
          env: {
            ...NPM_QUIET_ENV,
            ...(opts.registry ? { npm_config_registry: opts.registry } : {}),
            ...opts.env,
          },
        },
      ];
    },
    readPack(invocation, result, readBytes) {
      if (!fromPackDir) return packer.readPack(invocation, result, readBytes);
      const out = new Map<string, string>();
      for (const [name, file] of readPackPlan(invocation.args[2] ?? '', readBytes)) {
        const bytes = readBytes(file);
        if (bytes) out.set(name, integrityOf(bytes));
      }
      return out;
    },
    runScriptInvocation(target, script, env) {
      return {
        file: options.underlyingBin ?? options.underlying,
        args: ['run', script],
        cwd: target.dir,
        env: { ...NPM_QUIET_ENV, ...env },
      };
    },
    packedFiles(invocation, _result, readBytes) {
      // the pack folder itself: `publish --from-pack-dir` reads its publish-plan.json
      const dir = invocation.args[2] ?? '';
      const out = new Map<string, string>();
      for (const name of readPackPlan(dir, readBytes).keys()) out.set(name, dir);
      return out;
    },
  };
}

/** changesets 3's `<out-dir>/publish-plan.json`: name → tarball file, for the `publish` releases. */
export function readPackPlan(
  outDir: string,
  readBytes: (path: string) => Buffer | null,
): Map<string, string> {
  const out = new Map<string, string>();
  const raw = readBytes(join(outDir, 'publish-plan.json'));
  if (!raw) return out;
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return out;
  }
  if (!isRecord(json) || json.version !== 1 || !Array.isArray(json.plan)) return out;
  for (const chunk of json.plan as unknown[]) {
    if (!Array.isArray(chunk)) continue;
    for (const release of chunk as unknown[]) {
      if (!isRecord(release) || release.kind !== 'publish' || typeof release.name !== 'string') continue;
      const tarball = release.tarball;
      if (isRecord(tarball) && typeof tarball.path === 'string')
        out.set(release.name, join(outDir, tarball.path));
    }
  }
  return out;
}

const NAME_AT_VERSION = /(@?[a-z0-9][\w.-]*(?:\/[\w.-]+)?)@(\d[^\s]*)/i;

/**
 * Reads changesets' log. 2.x: the "packages published successfully" list,
 * "an error occurred while publishing X" and "already published" warnings.
 * 3.x: a "Successfully published:" list and a "Some packages failed to
 * publish:" list whose entries carry `└ CODE: message`. What neither names
 * is `not-attempted`: the caller asks the registry (3.x stops after the
 * first failing chunk and prints no `New tag:` lines).
 */
export function readChangesetsOutput(names: readonly string[], output: string): Map<string, PublishOutcome> {
  const out = new Map<string, PublishOutcome>();
  const lines = output
    // spinner frames end in a cursor move: keep what follows the last one on each line
    .split(/\r?\n/)
    .map((l) => l.split('\u001b[J').pop() ?? l)
    // eslint-disable-next-line no-control-regex -- strips ANSI colours and cursor codes
    .map((l) => l.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''));
  let list: 'success' | 'failure' | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (/packages? published successfully|Successfully published:/i.test(line)) {
      list = 'success';
      continue;
    }
    if (/Some packages failed to publish:/i.test(line)) {
      list = 'failure';
      continue;
    }
    const errorFor = /an error occurred while publishing (\S+?):?\s/i.exec(`${line} `);
    if (errorFor?.[1]) {
      out.set(errorFor[1], classifyFailure(lines.slice(i, i + 15).join('\n')));
      list = null;
      continue;
    }
    const already = /warn (\S+) is not being published because version (\S+) is already published/i.exec(
      line,
    );
    if (already?.[1]) {
      out.set(already[1], { kind: 'already-published', message: publisherMessage(line) });
      continue;
    }
    if (list === null) continue;
    const match = NAME_AT_VERSION.exec(line);
    const name = match?.[1];
    if (name && names.includes(name) && !line.trimStart().startsWith('└')) {
      if (list === 'success') out.set(name, { kind: 'published', integrity: null });
      else {
        const detail: string[] = [];
        for (let j = i + 1; j < lines.length && !NAME_AT_VERSION.test(lines[j] ?? ''); j++) {
          if ((lines[j] ?? '').trim() === '' || /Creating git tags|Exited with code/.test(lines[j] ?? ''))
            break;
          detail.push(lines[j] ?? '');
        }
        out.set(name, classifyFailure(detail.join('\n').replace(/^└\s*/, '') || line));
      }
    } else if (!/🦋\s*$/.test(line) && line.trim() !== '' && !match && !line.trimStart().startsWith('└')) {
      if (list === 'success') list = null;
    }
  }
  for (const name of names) if (!out.has(name)) out.set(name, { kind: 'not-attempted' });
  return out;
}
