import {
  AUTH_MODES,
  ProvenantError,
  runRelease,
  type ProvenanceViaChoice,
  type PublisherRequest,
} from '@provenant/core';
import { VERIFY_FLAGS, boolFlag, choiceFlag, intFlag, stringFlag } from '../args.js';
import { readsInFlight } from '../common-options.js';
import { emitReport } from '../emit-report.js';
import { readVerifyFlags } from '../verify-flags.js';
import { appendChangesetsOutput, newTagLines } from '../render/new-tags.js';
import type { Command } from './command.js';

const RELEASE_FLAGS = {
  publisher: { type: 'string' },
  'provenance-via': { type: 'string' },
  tag: { type: 'string' },
  access: { type: 'string' },
  retries: { type: 'string' },
  verify: { type: 'boolean' },
  'verify-timeout': { type: 'string' },
  'dry-run': { type: 'boolean' },
  force: { type: 'boolean' },
  'git-tag': { type: 'boolean' },
  auth: { type: 'string' },
  ...VERIFY_FLAGS,
} as const;

const PUBLISHERS = ['auto', 'npm', 'pnpm', 'yarn', 'changesets'] as const;
const VIAS = ['auto', 'flag', 'env', 'publish-config', 'npmrc', 'yarnrc'] as const;

export const releaseCommand: Command = {
  name: 'release',
  summary: 'publish every planned package with provenance, in dependency order, then verify it',
  usage: `Usage: provenant release [flags]

Checks the workspace, turns provenance on the way the publisher honours it,
publishes every planned package in dependency order (exactly --concurrency in
flight when given; otherwise as many as the network needs and the CPU allows),
restores every file it changed, then verifies each published version.

Release flags:
  --publisher <name>       auto | npm | pnpm | yarn | changesets (default auto)
  --provenance-via <how>   auto | flag | env | publish-config | npmrc | yarnrc (default auto)
  --tag <dist-tag>         publish under this dist-tag
  --access <level>         public | restricted
  --retries <n>            retries on 429/5xx/network errors (default 3)
  --no-verify              do not verify after publishing
  --verify-timeout <s>     how long to wait for attestations to appear (default 120)
  --dry-run                print the exact commands and file changes; publish nothing
  --force                  publish the ready packages even when others are blocked
  --git-tag, --no-git-tag  tag each published version <name>@<version> (v<version> in a
                           single-package repo) and print "New tag: …" lines as changeset
                           publish does (default: on with changesets or a .changeset/ folder)
  --auth <how>             auto | oidc | token (default auto): oidc publishes only through
                           trusted publishing (a stored token used instead is an error);
                           token never exchanges an OIDC id token
Verification flags (as for verify):
  --expect-repository <url> --expect-workflow <path> --expect-ref <ref> --expect-issuer <url>
  --expect-trusted-publisher
  --trusted-root <file> --npm-keys <file> --offline --tarball`,
  flags: RELEASE_FLAGS,
  positionals: false,
  async run({ args, options, output, ctx, signal }) {
    const { values } = args;
    const verify = values.verify !== false;
    // Expectations that would silently go unchecked are an error; trust flags are tolerated
    // (CI scripts often pass them always).
    const verifyOnly = [
      'expect-repository',
      'expect-workflow',
      'expect-ref',
      'expect-issuer',
      'expect-trusted-publisher',
      'tarball',
    ].filter((flag) => values[flag] !== undefined);
    if (!verify && verifyOnly.length > 0) {
      throw new ProvenantError(
        'CONFLICTING_FLAGS',
        `--no-verify turns verification off, but ${verifyOnly.map((f) => `--${f}`).join(', ')} configure it.`,
        { hint: 'Drop --no-verify, or drop the verification flags.' },
      );
    }
    const verifyFlags = readVerifyFlags(values, ctx.cwd);
    const accessRaw = stringFlag(values, 'access');
    const access =
      accessRaw === undefined
        ? undefined
        : choiceFlag(values, 'access', ['public', 'restricted'] as const, 'public');
    const releaseOptions = {
      cwd: options.cwd,
      registry: options.registry,
      filter: options.filters,
      tag: stringFlag(values, 'tag'),
      access,
      publisher: choiceFlag<PublisherRequest>(values, 'publisher', PUBLISHERS, 'auto'),
      provenanceVia: choiceFlag<ProvenanceViaChoice>(values, 'provenance-via', VIAS, 'auto'),
      concurrency: readsInFlight(values, options),
      publishConcurrency: values.concurrency === undefined ? undefined : options.concurrency,
      registryTimeoutMs: options.registryTimeoutMs,
      retries: intFlag(values, 'retries', 3, { min: 0, max: 20 }),
      dryRun: boolFlag(values, 'dry-run'),
      force: boolFlag(values, 'force'),
      gitTag: typeof values['git-tag'] === 'boolean' ? values['git-tag'] : ('auto' as const),
      auth: choiceFlag(values, 'auth', AUTH_MODES, 'auto'),
      verify: verify
        ? { ...verifyFlags, timeoutMs: intFlag(values, 'verify-timeout', 120, { min: 0, max: 3600 }) * 1000 }
        : null,
    };
    const interactive = (output.json ? process.stderr.isTTY : process.stdout.isTTY) === true;
    // listr2 loads only for release: the other commands start faster without it.
    const { createProgress } = await import('../render/progress.js');
    const progress = createProgress({ output, env: ctx.env, verify, interactive });
    try {
      const result = await runRelease(releaseOptions, { ctx, signal, onEvent: (e) => progress.onEvent(e) });
      await progress.close();
      const code = emitReport(result.report, options, output, ctx.env);
      // changesets/action learns what was published from these (stdout, or CHANGESETS_OUTPUT).
      if (!output.json) for (const line of newTagLines(result.gitTags)) output.human(line);
      const eventsFile = ctx.env.CHANGESETS_OUTPUT;
      const unwritten = eventsFile ? appendChangesetsOutput(eventsFile, result.gitTags) : null;
      if (unwritten) output.diag(unwritten);
      // A signal that lands after the last step still means the user interrupted: 130 (files are back).
      return signal.aborted ? 130 : code;
    } finally {
      await progress.close();
    }
  },
};
