import { checkWorkspace, type CheckResult } from '../check/index.js';
import type { Context } from '../context.js';
import { publicFirstReads } from '../registry/public-first-reads.js';
import type { ReleaseOptions } from './release-options.js';

/**
 * `check` in release mode: the same rules, over the release's registry
 * client settings (its concurrency and timeout, the context's clock).
 */
export function checkForRelease(options: ReleaseOptions, ctx: Context): Promise<CheckResult> {
  return checkWorkspace(
    {
      cwd: options.cwd,
      mode: 'release',
      registry: options.registry ?? null,
      filter: options.filter ?? [],
      tag: options.tag ?? null,
      access: options.access ?? null,
      publisher: options.publisher ?? 'auto',
      provenanceVia: options.provenanceVia ?? 'auto',
      concurrency: options.concurrency,
      auth: options.auth ?? 'auto',
      timeoutMs: options.registryTimeoutMs,
    },
    {
      ...ctx,
      packuments: (registry, auth) =>
        publicFirstReads({
          registry,
          auth,
          concurrency: options.concurrency,
          timeoutMs: options.registryTimeoutMs,
          fetch: ctx.fetch,
          sleep: ctx.sleep,
          now: ctx.now,
        }),
    },
  );
}
