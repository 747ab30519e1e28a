import { TrustedRoot } from '@sigstore/protobuf-specs';
import type { TUFOptions } from '@sigstore/tuf';
import { ProvenantError, messageOf } from '../errors.js';
import { createVerificationTrust, type VerificationTrust } from './trust-material.js';

/** The one place that goes to the network for trust material (SPEC §6, online). */
export interface OnlineTrustDeps {
  /** The registry client; `getJson` resolves null on 404. */
  client: { getJson(pathOrUrl: string): Promise<unknown> };
  tufOptions?: TUFOptions;
  /** Replaceable in tests; default: Sigstore's TUF repository through `@sigstore/tuf`. */
  tuf?: { trustedRoot(): Promise<unknown>; npmKeys(): Promise<unknown> };
}

export async function fetchOnlineTrust(deps: OnlineTrustDeps): Promise<VerificationTrust> {
  const tuf = deps.tuf ?? sigstoreTuf(deps.tufOptions);
  let trustedRoot: unknown;
  try {
    trustedRoot = await tuf.trustedRoot();
  } catch (cause) {
    throw new ProvenantError(
      'REGISTRY_UNREACHABLE',
      `Cannot fetch Sigstore's trusted root over TUF: ${messageOf(cause)}`,
      {
        hint: 'Check network access to tuf-repo-cdn.sigstore.dev, or use --offline / --trusted-root.',
        cause,
      },
    );
  }
  // The registry's own endpoint first; registries that do not sign (local
  // mirrors, Verdaccio) answer 404, then npmjs's keys from TUF still verify
  // the attestations npmjs made.
  let npmKeys = await deps.client.getJson('/-/npm/v1/keys');
  if (npmKeys === null) npmKeys = await tuf.npmKeys();
  return createVerificationTrust(trustedRoot, npmKeys, 'online');
}

function sigstoreTuf(options: TUFOptions = {}) {
  // Loaded on demand: only online verification needs the TUF client (~150 ms to import).
  const tuf = () => import('@sigstore/tuf');
  return {
    trustedRoot: async () => TrustedRoot.toJSON(await (await tuf()).getTrustedRoot(options)),
    npmKeys: async () =>
      JSON.parse(
        await (await (await tuf()).initTUF(options)).getTarget('registry.npmjs.org/keys.json'),
      ) as unknown,
  };
}
