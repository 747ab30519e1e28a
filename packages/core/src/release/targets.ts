import type { CheckResult } from '../check/index.js';
import { networkFetch, type Context } from '../context.js';
import type { PlannedTarget } from '../publish/publish-all.js';
import { authFor, readNpmConfig } from '../registry/npm-config.js';
import { publicFirstReads, type RegistryReads } from '../registry/public-first-reads.js';

/** The packages check found ready to publish, with their ready workspace dependencies. */
export function plannedTargets(check: CheckResult): PlannedTarget[] {
  const ready = new Set(check.packages.filter((p) => p.status === 'ready').map((p) => p.name));
  return check.plan.packages
    .filter((p) => p.action === 'publish' && ready.has(p.name))
    .map((p) => ({
      name: p.name,
      version: p.version,
      dir: p.dir,
      relDir: p.relativeDir,
      deps: p.dependsOn.filter((d) => ready.has(d)),
      tag: p.distTag,
    }));
}

/** Registry reads for confirming uploads and verifying: anonymous first, the configured token on 401/403. */
export function registryReads(
  check: CheckResult,
  root: string,
  ctx: Context,
  concurrency: number,
  timeoutMs: number | undefined,
): RegistryReads {
  const config = readNpmConfig({ env: ctx.env, projectDir: root, readFile: ctx.readFile });
  return publicFirstReads({
    registry: check.registry,
    auth: authFor(config, check.registry),
    concurrency: Math.max(4, concurrency),
    timeoutMs,
    fetch: ctx.fetch,
    sleep: ctx.sleep,
    now: ctx.now,
    portable: ctx.fetch === networkFetch,
  });
}
