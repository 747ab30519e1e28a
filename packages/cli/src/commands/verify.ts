import {
  RegistryClient,
  authFor,
  buildReport,
  detectCi,
  discoverWorkspace,
  createMatcher,
  normalizeRegistryUrl,
  readNpmConfig,
  verifyPackages,
  type VersionSpec,
} from '@provenant/core';
import { VERIFY_FLAGS } from '../args.js';
import type { CommonOptions } from '../common-options.js';
import { ciOnlyEnvironment } from '../ci-only-environment.js';
import { emitReport } from '../emit-report.js';
import type { Command } from './command.js';
import { readVerifyFlags } from '../verify-flags.js';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'prove what the registry holds: attestations, signatures and who signed them',
  usage: `Usage: provenant verify [name@version ...] [flags]

Verifies the given versions, or with no spec the current version of every
public workspace package: the SLSA provenance and npm publish attestations
(Sigstore signatures, transparency log, subject digest = dist.integrity),
the registry signature, and the signer's identity.

Verify flags:
  --expect-repository <url>  expected source repository (default: the CI's, else repository.url)
  --expect-workflow <path>   e.g. .github/workflows/release.yml
  --expect-ref <ref>         e.g. refs/heads/main or refs/tags/v1.2.3
  --expect-issuer <url>      OIDC issuer (default: the repository host's CI issuer, e.g. GitHub Actions)
  --expect-trusted-publisher require _npmUser.trustedPublisher (published through trusted publishing)
  --trusted-root <file>      Sigstore trusted_root.json to trust
  --npm-keys <file>          npm keys in the /-/npm/v1/keys shape
  --offline                  use the trust material embedded in the installed Sigstore packages
  --tarball                  also download each tarball and check it against dist.integrity`,
  flags: VERIFY_FLAGS,
  positionals: true,
  async run({ args, options, output, ctx }) {
    const verifyFlags = readVerifyFlags(args.values, ctx.cwd);
    const ci = detectCi(ctx.env);
    const { specs, configDir } = await resolveSpecs(args.positionals, options);
    const npmConfig = readNpmConfig({ env: ctx.env, projectDir: configDir, readFile: ctx.readFile });
    const registry = normalizeRegistryUrl(options.registry ?? npmConfig.registry);
    const client = new RegistryClient({
      registry,
      auth: authFor(npmConfig, registry),
      concurrency: Math.max(options.concurrency * 2, 4),
      timeoutMs: options.registryTimeoutMs ?? 30_000,
      fetch: ctx.fetch,
    });
    const packages = await verifyPackages(
      specs,
      {
        ...verifyFlags.policy,
        expectRepository: verifyFlags.policy.expectRepository ?? ci.repository ?? undefined,
        tarball: verifyFlags.tarball,
        concurrency: options.concurrency,
        trust: verifyFlags.trust,
      },
      { client },
    );
    const report = buildReport({
      command: 'verify',
      registry,
      environment: ciOnlyEnvironment(ci),
      packages,
    });
    return emitReport(report, options, output, ctx.env);
  },
};

/** Explicit specs, or the current version of every public workspace package. */
async function resolveSpecs(
  positionals: readonly string[],
  options: CommonOptions,
): Promise<{ specs: (string | VersionSpec)[]; configDir: string }> {
  if (positionals.length > 0) return { specs: [...positionals], configDir: options.cwd };
  const workspace = await discoverWorkspace(options.cwd);
  const matches = createMatcher(options.filters);
  const specs = workspace.packages
    .filter((p) => !p.private && p.version !== '' && matches(p.name))
    .map((p) => ({ name: p.name, version: p.version, dir: p.relativeDir }));
  return { specs, configDir: workspace.root.dir };
}
