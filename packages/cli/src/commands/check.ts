import { AUTH_MODES, buildReport, checkWorkspace } from '@provenant/core';
import { choiceFlag, stringFlag } from '../args.js';
import { readsInFlight } from '../common-options.js';
import { emitReport } from '../emit-report.js';
import type { Command } from './command.js';

const CHECK_FLAGS = {
  publisher: { type: 'string' },
  'provenance-via': { type: 'string' },
  tag: { type: 'string' },
  access: { type: 'string' },
  auth: { type: 'string' },
} as const;

export const PUBLISHER_CHOICES = ['auto', 'npm', 'pnpm', 'yarn', 'changesets'] as const;
export const VIA_CHOICES = ['auto', 'flag', 'env', 'publish-config', 'npmrc', 'yarnrc'] as const;

export const checkCommand: Command = {
  name: 'check',
  summary: 'dry-run readiness report: will provenance publishing work, and how to fix what will not',
  usage: `Usage: provenant check [flags]

Discovers the workspace's packages, plans the release, and reports for the
environment and for each package whether provenance publishing will work,
with a fix for every problem. Publishes nothing, changes no file.

Check flags (judge the release as it would run with them):
  --publisher <name>       auto | npm | pnpm | yarn | changesets (default auto)
  --provenance-via <how>   auto | flag | env | publish-config | npmrc | yarnrc (default auto)
  --tag <dist-tag>         the dist-tag the release would use
  --access <level>         public | restricted
  --auth <how>             auto | oidc | token (default auto): oidc blocks every package
                           that cannot publish through trusted publishing; token never
                           exchanges an OIDC id token
  --registry-timeout <s>   seconds per registry request before one retry, then
                           REGISTRY_UNREACHABLE (default 15)`,
  flags: CHECK_FLAGS,
  positionals: false,
  async run({ args, options, output, ctx }) {
    const { values } = args;
    const access =
      stringFlag(values, 'access') === undefined
        ? null
        : choiceFlag(values, 'access', ['public', 'restricted'] as const, 'public');
    const result = await checkWorkspace(
      {
        cwd: options.cwd,
        mode: 'check',
        registry: options.registry ?? null,
        filter: options.filters,
        tag: stringFlag(values, 'tag') ?? null,
        access,
        publisher: choiceFlag(values, 'publisher', PUBLISHER_CHOICES, 'auto'),
        provenanceVia: choiceFlag(values, 'provenance-via', VIA_CHOICES, 'auto'),
        concurrency: readsInFlight(values, options),
        timeoutMs: options.registryTimeoutMs ?? 15_000,
        auth: choiceFlag(values, 'auth', AUTH_MODES, 'auto'),
      },
      ctx,
    );
    const report = buildReport({
      command: 'check',
      registry: result.registry,
      environment: result.environment,
      packages: result.packages,
    });
    return emitReport(report, options, output, ctx.env);
  },
};
