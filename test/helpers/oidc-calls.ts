// The calls the trusted-publishing rig tests make against one rig (test/rig-oidc*.test.ts):
// packages that already exist, the trusted publisher a release workflow sets, npm publishes,
// stored versions and their verified provenance, id tokens, exchanges and raw PUTs.
import { expect } from 'vitest';
import { escapePackageName, prepublish, run, type RunResult } from '../../packages/testing/dist/index.js';
import { attestationsOf, certificateClaims, verifiedStatement, type RigTrust } from './attestations.js';
import { REPO, WORKFLOW_FILE, oidcWorkspace } from './oidc-rig.js';
import { packument, type Rig } from './rig.js';

export const SLSA_V1 = 'https://slsa.dev/provenance/v1';
export const SLSA_V02 = 'https://slsa.dev/provenance/v0.2';

/** `trust()`: the rig's trust material, loaded once the rig is up. */
export function oidcCalls(rig: Rig, trust: () => RigTrust) {
  return {
    /** A one-package workspace whose package already has 0.0.1 on the registry (published with a token). */
    existingPackage: (name: string, repository: string, token = false) => {
      return oidcWorkspace(rig, [name], { repository, token, trust: null, git: false });
    },

    /** The trusted publisher `npm trust github <name> --repo acme/widgets --file release.yml` sets (or as told). */
    trustReleaseWorkflow: (name: string, over: { workflow?: string; environment?: string } = {}) => {
      return rig.registry.setTrustedPublisher(name, {
        provider: 'github',
        repository: REPO,
        workflow: WORKFLOW_FILE,
        ...over,
      });
    },

    npmPublish: (dir: string, name: string, env: Record<string, string>): Promise<RunResult> => {
      return run('npm', ['publish', '--provenance', '--access', 'public', '-w', name], { cwd: dir, env });
    },

    storedVersion: async (name: string, version: string) => {
      return (await packument(rig, name))?.versions?.[version];
    },

    /** The version's provenance bundle, verified with the rig's trusted root; returns its certificate claims. */
    verifiedProvenance: async (name: string, version: string, predicateType: string) => {
      const { dist, attestations } = await attestationsOf(rig, name, version);
      const provenance = attestations.find((a) => a.predicateType === predicateType);
      expect(provenance, `a ${predicateType} attestation`).toBeDefined();
      const { signer } = verifiedStatement(provenance!.bundle, trust(), dist.integrity);
      return certificateClaims(provenance!.bundle, signer);
    },

    /** An id token from the simulated GitHub job's OIDC endpoint, as npm asks for it. */
    githubIdToken: async (env: Record<string, string>, audience: string): Promise<string> => {
      const url = new URL(env.ACTIONS_ID_TOKEN_REQUEST_URL!);
      url.searchParams.append('audience', audience);
      const response = await fetch(url, {
        headers: { Authorization: `Bearer ${env.ACTIONS_ID_TOKEN_REQUEST_TOKEN}` },
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { value: string }).value;
    },

    exchange: async (
      name: string,
      idToken: string,
    ): Promise<{ status: number; body: Record<string, unknown> }> => {
      const response = await fetch(
        new URL(`-/npm/v1/oidc/token/exchange/package/${escapePackageName(name)}`, rig.registry.url),
        {
          method: 'POST',
          headers: { Authorization: `Bearer ${idToken}` },
        },
      );
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },

    put: async (name: string, version: string, token: string) => {
      try {
        await prepublish({ url: rig.registry.url, token }, { name, version });
        return 201;
      } catch (error) {
        return Number(/: (\d{3}) /.exec(String(error))?.[1]);
      }
    },

    /** A raw PUT of a generated version, returning status, `error` and the `npm-notice` header. */
    fetchPut: async (name: string, version: string, token: string) => {
      const manifest = { name, version };
      const body = {
        _id: name,
        name,
        'dist-tags': { latest: version },
        versions: {
          [version]: { ...manifest, dist: { tarball: `${rig.registry.url}${name}/-/x-${version}.tgz` } },
        },
        _attachments: {
          [`x-${version}.tgz`]: { content_type: 'application/octet-stream', data: 'AA==', length: 1 },
        },
      };
      const response = await fetch(new URL(escapePackageName(name), rig.registry.url), {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      const answer = (await response.json()) as { error?: string };
      return { status: response.status, error: answer.error, notice: response.headers.get('npm-notice') };
    },
  };
}
