import type { AuthMode } from '../check/auth-rules.js';
import type { ProvenanceViaChoice } from '../provenance/switch.js';
import type { PublisherRequest } from '../publish/detect-publisher.js';
import type { TrustOptions } from '../trust/load-trust-options.js';
import type { IdentityPolicy } from '../verify/types.js';
import type { GitTagChoice } from './git-tag-step.js';

export interface ReleaseOptions {
  cwd: string;
  registry?: string | undefined;
  filter?: readonly string[];
  tag?: string | undefined;
  access?: 'public' | 'restricted' | undefined;
  publisher?: PublisherRequest;
  provenanceVia?: ProvenanceViaChoice;
  /** Parallel registry reads and verifications. */
  concurrency: number;
  /** `--concurrency` when given: exactly that many publishes in flight; undefined: adaptive. */
  publishConcurrency?: number | undefined;
  retries: number;
  /** Per registry read (packuments, attestations, tarballs); default 15 s. */
  registryTimeoutMs?: number | undefined;
  dryRun?: boolean;
  /** Publish the ready packages even when some are blocked by package-level problems. */
  force?: boolean;
  /** `--git-tag` / `--no-git-tag`; auto: on for changesets repos. */
  gitTag?: GitTagChoice;
  /** `--auth` (SPEC §7); default auto. */
  auth?: AuthMode;
  /** null: `--no-verify`. */
  verify: {
    policy: IdentityPolicy;
    tarball: boolean;
    trust: TrustOptions;
    timeoutMs: number;
  } | null;
}
