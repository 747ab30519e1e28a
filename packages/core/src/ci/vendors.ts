import { createRequire } from 'node:module';

/**
 * Which CI service an environment belongs to, by ci-info's own vendor table
 * (`ci-info/vendors.json`) evaluated against an injected `env`. ci-info's main
 * module reads `process.env` once at import, which a pure core cannot use.
 */
type EnvTest =
  string | string[] | { env: string; includes: string } | { any: string[] } | Record<string, string>;

interface Vendor {
  name: string;
  constant: string;
  env: EnvTest;
}

const require = createRequire(import.meta.url);
const VENDORS = require('ci-info/vendors.json') as Vendor[];

type Env = Readonly<Record<string, string | undefined>>;

function matches(test: EnvTest, env: Env): boolean {
  if (typeof test === 'string') return env[test] !== undefined;
  if (Array.isArray(test)) return test.every((key) => env[key] !== undefined);
  if ('any' in test && Array.isArray(test.any)) return test.any.some((key) => env[key] !== undefined);
  if ('env' in test && 'includes' in test && typeof test.includes === 'string') {
    return (env[test.env] ?? '').includes(test.includes);
  }
  return Object.entries(test as Record<string, string>).every(([key, value]) => env[key] === value);
}

/** The CI vendor's display name, or null. */
export function ciVendorName(env: Env): string | null {
  if (env.CI === 'false') return null;
  return VENDORS.find((vendor) => matches(vendor.env, env))?.name ?? null;
}

/** ci-info's generic test: some CI without a known vendor. */
export function looksLikeCi(env: Env): boolean {
  if (env.CI === 'false') return false;
  return Boolean(
    env.BUILD_ID ||
    env.BUILD_NUMBER ||
    env.CI ||
    env.CI_APP_ID ||
    env.CI_BUILD_ID ||
    env.CI_BUILD_NUMBER ||
    env.CI_NAME ||
    env.CONTINUOUS_INTEGRATION ||
    env.RUN_ID ||
    ciVendorName(env),
  );
}
