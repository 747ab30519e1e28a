import type { AuthMode } from '../check/auth-rules.js';
import type { CheckResult } from '../check/index.js';
import type { Context } from '../context.js';
import { problem } from '../problems.js';
import type { PublishAllInput } from '../publish/publish-all.js';
import type { PublisherAdapter } from '../publish/types.js';
import type { Packument } from '../registry/packument.js';
import type { PackageReport, TrustedPublisher } from '../report/types.js';
import { trustedPublisherOf } from '../verify/identity.js';
import { createBroker } from './broker.js';

/**
 * When check planned brokering, the adapter publishes one package per
 * process (each gets its own package-scoped token) and `authEnv` hands
 * that token in. Otherwise the adapter is returned as is.
 */
export function withBroker(
  check: CheckResult,
  adapter: PublisherAdapter,
  ctx: Pick<Context, 'env' | 'fetch' | 'now'>,
  timeoutMs: number | undefined,
): { adapter: PublisherAdapter; authEnv?: PublishAllInput['authEnv'] } {
  if (!check.auth.broker || adapter.batching === 'whole') return { adapter };
  const names = new Set(check.packages.filter((p) => p.auth === 'oidc').map((p) => p.name));
  const broker = createBroker({
    publisher: adapter.name,
    registry: check.registry,
    names,
    env: ctx.env,
    fetch: ctx.fetch,
    timeoutMs: timeoutMs ?? 15_000,
    now: ctx.now,
  });
  return { adapter: { ...adapter, batching: 'per-package' }, authEnv: (targets) => broker.authFor(targets) };
}

const PUBLISHED_NOW = new Set(['published', 'verified', 'unverified']);

/**
 * What really authenticated each version published in this run, read from
 * the registry: `_npmUser.trustedPublisher` or not. A package planned for
 * OIDC that arrived without it went out with a stored token
 * (TRUSTED_PUBLISHING_BYPASSED: a warning, an error with --auth oidc).
 */
export async function settleAuth(
  packages: PackageReport[],
  mode: AuthMode,
  getPackument: (name: string, version: string) => Promise<Packument | null>,
): Promise<PackageReport[]> {
  return Promise.all(
    packages.map(async (pkg) => {
      if (!PUBLISHED_NOW.has(pkg.status) || pkg.publish === null) return pkg;
      let proof: TrustedPublisher | null;
      try {
        proof = trustedPublisherOf((await getPackument(pkg.name, pkg.version))?.versions?.[pkg.version]);
      } catch {
        return pkg; // the registry could not be read: keep what check planned
      }
      if (proof !== null) return { ...pkg, auth: 'oidc' };
      if (pkg.auth !== 'oidc') return { ...pkg, auth: 'token' };
      const severity = mode === 'oidc' ? 'error' : 'warning';
      return {
        ...pkg,
        auth: 'token',
        status: severity === 'error' ? 'unverified' : pkg.status,
        problems: [
          ...pkg.problems,
          problem(
            'TRUSTED_PUBLISHING_BYPASSED',
            severity,
            `${pkg.name}@${pkg.version} was to be published through trusted publishing, but the registry recorded no trusted publisher: a stored token published it.`,
            'Remove the stored token (NODE_AUTH_TOKEN / _authToken / npmAuthToken) from the publishing job, and run `provenant check --auth oidc` to see why the exchange failed.',
          ),
        ],
      };
    }),
  );
}
