import {
  AuditCache,
  ProvenantError,
  RegistryClient,
  auditLockfile,
  authFor,
  buildReport,
  defaultCacheDir,
  detectCi,
  loadPolicy,
  loadTrust,
  normalizeRegistryUrl,
  readNpmConfig,
  readProjectLockfile,
  trustDigest,
  withSlash,
  verifyPoolFor,
  type NpmConfig,
} from '@provenant/core';
import { boolFlag, listFlag, type FlagSpec } from '../args.js';
import { ciOnlyEnvironment } from '../ci-only-environment.js';
import { readsInFlight } from '../common-options.js';
import { emitReport } from '../emit-report.js';
import { renderAudit } from '../render/audit-summary.js';
import { readVerifyFlags } from '../verify-flags.js';
import type { Command } from './command.js';

const AUDIT_FLAGS = {
  installed: { type: 'boolean' },
  omit: { type: 'string', multiple: true },
  prod: { type: 'boolean' },
  cache: { type: 'boolean' },
  'trusted-root': { type: 'string' },
  'npm-keys': { type: 'string' },
  offline: { type: 'boolean' },
} as const satisfies FlagSpec;

/** Lockfile entries from which Sigstore verification moves to worker threads. */
const POOL_THRESHOLD = 64;

/** Packuments of busy packages run to tens of MB; past this one is refused (REGISTRY_BAD_RESPONSE). */
const MAX_PACKUMENT_BYTES = 32 * 1024 * 1024;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'verify every dependency the lockfile installs: signatures, attestations, who signed, regressions',
  usage: `Usage: provenant audit [flags]

Reads the lockfile (package-lock.json / npm-shrinkwrap.json v2-v3,
pnpm-lock.yaml v6/v9, yarn berry yarn.lock) without installing, and verifies
every registry-resolved version: the registry signature, the lockfile's
integrity against the registry's, the attestations and their signer when
present, and provenance regressions (an earlier version had provenance, this
one has none). A policy in provenant.config.json (or "provenant" in the root
package.json) pins identities and requires provenance (see the README).

Audit flags:
  --installed          read node_modules instead of the lockfile (what npm audit signatures reads)
  --omit dev, --prod   leave out what only devDependencies install
  --no-cache           verify everything again (results are cached in $XDG_CACHE_HOME/provenant)
  --trusted-root <file>  Sigstore trusted_root.json to trust
  --npm-keys <file>    npm keys in the /-/npm/v1/keys shape
  --offline            use the trust material embedded in the installed Sigstore packages`,
  flags: AUDIT_FLAGS,
  positionals: false,
  async run({ args, options, output, ctx }) {
    const omit = listFlag(args.values, 'omit');
    const unknownOmit = omit.find((o) => o !== 'dev');
    if (unknownOmit !== undefined) {
      throw new ProvenantError(
        'INVALID_FLAG_VALUE',
        `--omit takes dev (the only kind audit leaves out), got "${unknownOmit}".`,
        {
          hint: 'For example --omit dev.',
        },
      );
    }
    const { trust: trustOptions } = readVerifyFlags(args.values, ctx.cwd);
    const { root, lockfile } = readProjectLockfile(options.cwd, {
      installed: boolFlag(args.values, 'installed'),
    });
    const policy = loadPolicy(root);
    const npmConfig = readNpmConfig({ env: ctx.env, projectDir: root, readFile: ctx.readFile });
    const registry = normalizeRegistryUrl(options.registry ?? npmConfig.registry);
    // SPEC §2: --concurrency is honoured exactly when given; else 16 reads/verifications in flight.
    const concurrency = readsInFlight(args.values, options);
    const clients = new Map<string, RegistryClient>();
    const clientFor = (url: string) => {
      let client = clients.get(url);
      if (!client) {
        client = new RegistryClient({
          registry: url,
          auth: authFor(npmConfig, url),
          concurrency,
          timeoutMs: options.registryTimeoutMs ?? 30_000,
          maxBodyBytes: MAX_PACKUMENT_BYTES,
          fetch: ctx.fetch,
        });
        clients.set(url, client);
      }
      return client;
    };
    const trust = await loadTrust(trustOptions, { client: clientFor(registry) });
    const cache =
      args.values.cache === false ? null : new AuditCache(defaultCacheDir(ctx.env), trustDigest(trust));
    // Worth its start-up (each thread rebuilds the trust material) only for a sizeable lockfile.
    const pool = lockfile.packages.length >= POOL_THRESHOLD ? verifyPoolFor(trust) : null;
    const packages = await auditLockfile(
      lockfile,
      {
        policy,
        omitDev: omit.includes('dev') || boolFlag(args.values, 'prod'),
        filters: options.filters,
        concurrency,
      },
      {
        registryFor: (name) => scopeRegistry(npmConfig, name) ?? registry,
        clientFor,
        trust,
        cache,
        ...(pool ? { verify: (input) => pool.verify(input, {}) } : {}),
      },
    ).finally(() => pool?.close());
    const ci = detectCi(ctx.env);
    const report = buildReport({
      command: 'audit',
      registry,
      environment: ciOnlyEnvironment(ci),
      packages,
    });
    return emitReport(report, options, output, ctx.env, renderAudit);
  },
};

/** A scoped name's own registry (`@scope:registry=` in .npmrc), else null. */
function scopeRegistry(config: NpmConfig, name: string): string | null {
  if (!name.startsWith('@')) return null;
  const scoped = config.values[`${name.slice(0, name.indexOf('/'))}:registry`];
  return scoped ? normalizeRegistryUrl(withSlash(scoped)) : null;
}
