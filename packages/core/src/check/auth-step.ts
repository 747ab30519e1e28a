import type { ReleasePlan } from '../plan/index.js';
import { registerSecret } from '../redact.js';
import type { DetectedPublisher } from '../publish/detect-publisher.js';
import type { NpmConfig } from '../registry/npm-config.js';
import { planAuth, type AuthMode, type AuthPlan } from './auth-rules.js';
import { probeOidc } from './oidc-readiness.js';
import { findStaticToken, type StaticToken } from './static-token.js';

export interface AuthStepInput {
  mode: AuthMode;
  registry: string;
  root: string;
  env: Readonly<Record<string, string | undefined>>;
  readFile: (path: string) => string | null;
  npmConfig: NpmConfig;
  publisher: DetectedPublisher | null;
  npmVersion: string | null;
  fetch: typeof fetch;
  timeoutMs: number;
  concurrency: number;
  plan: ReleasePlan;
  published: ReadonlyMap<string, string[] | null>;
  /** The check's clock: whether a rejected id token had expired. */
  now: () => number;
}

export interface AuthStep extends AuthPlan {
  staticToken: StaticToken;
}

/** check's auth step: the stored token, the id token, one exchange per package to publish, then the pure rules. */
export async function checkAuth(input: AuthStepInput): Promise<AuthStep> {
  // The job's OIDC credentials are secrets whatever --auth says: a publisher may echo them.
  for (const name of ['NPM_ID_TOKEN', 'SIGSTORE_ID_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'])
    registerSecret(input.env[name]);
  const staticToken = findStaticToken({
    publisher: input.publisher?.name ?? null,
    registry: input.registry,
    root: input.root,
    env: input.env,
    readFile: input.readFile,
    npmConfig: input.npmConfig,
  });
  const packages = input.plan.packages
    .filter((p) => p.action === 'publish')
    .map((p) => {
      const versions = input.published.get(p.name);
      return {
        name: p.name,
        exists: versions === null || versions === undefined ? null : versions.length > 0,
      };
    });
  const probe = await probeOidc({
    mode: input.publisher === null ? 'token' : input.mode,
    registry: input.registry,
    env: input.env,
    fetch: input.fetch,
    timeoutMs: input.timeoutMs,
    concurrency: input.concurrency,
    names: packages.map((p) => p.name),
    absent: new Set(packages.filter((p) => p.exists === false).map((p) => p.name)),
  });
  const plan = planAuth({
    mode: input.mode,
    publisher: input.publisher,
    npmVersion: input.npmVersion,
    registry: input.registry,
    staticToken,
    idToken: probe.idToken,
    exchanges: probe.exchanges,
    packages,
    now: input.now(),
  });
  return { ...plan, staticToken };
}
