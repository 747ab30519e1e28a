// Attestation fixtures served as a registry (plain data), for the verification tests.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createVerificationTrust, type VerificationTrust } from '../../trust/trust-material.js';
import type { VerifyRegistry } from '../verify-versions.js';

const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
export const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');
export const present = existsSync(path.join(FIXTURES, 'README.md'));
export const read = (rel: string) => readFileSync(path.join(FIXTURES, rel));
export const json = (rel: string): unknown => JSON.parse(read(rel).toString('utf8'));

export const PW = '@playwright/cli';
export const PW_INTEGRITY =
  'sha512-9k11ZfDwAfMVDDIuEVW1Wvs8SoDNXIY1dNQ+9C9/SS8ZmElkcxesu5eoL7vNa96ntibUGaq1TM2qQoqvdl/I9g==';
export const SS_INTEGRITY =
  'sha512-e+qfbn/zf1+rCza/BhIA//Awmf0v1pa5HQS8Xk8iXrn9bgytytVLqYD0P7NSqZ6IELTgq+tcDvLPkQjNHyWLNg==';
export const SS_SIG = {
  keyid: 'SHA256:jl3bwswu80PjjokCgh0o2w5c2U4LhQAE57gj9cz1kzA',
  sig: 'MEQCIBlpcHT68iWOpx8pJr3WUzD1EqQ7tb0CmY36ebbceR6IAiAVGRaxrFoyh0/5B7H1o4VFhfsHw9F8G+AxOZQq87q+lg==',
};

/** A registry as plain data: path → body (object = JSON, Buffer = bytes); absent = 404. */
export type Routes = Map<string, unknown>;

export function routes(): Routes {
  return new Map<string, unknown>([
    [
      '/@playwright%2fcli',
      {
        name: PW,
        'dist-tags': { latest: '0.1.1' },
        time: { '0.1.1': '2026-02-14T23:28:45.000Z' },
        versions: {
          '0.1.1': {
            name: PW,
            version: '0.1.1',
            repository: { type: 'git', url: 'git+https://github.com/microsoft/playwright-cli.git' },
            dist: {
              integrity: PW_INTEGRITY,
              tarball: 'http://registry.test/@playwright/cli/-/cli-0.1.1.tgz',
              attestations: {
                url: 'http://registry.test/-/npm/v1/attestations/@playwright%2fcli@0.1.1',
                provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
              },
            },
          },
        },
      },
    ],
    [
      '/-/npm/v1/attestations/@playwright%2fcli@0.1.1',
      read('sigstore-dotnet/playwright-cli-0.1.1-attestations.json'),
    ],
    ['/@playwright/cli/-/cli-0.1.1.tgz', read('sigstore-dotnet/playwright-cli-0.1.1.tgz')],
    [
      '/sigstore',
      {
        name: 'sigstore',
        'dist-tags': { latest: '1.0.0' },
        time: { '1.0.0': '2023-02-09T20:00:00.000Z' },
        versions: {
          '1.0.0': {
            name: 'sigstore',
            version: '1.0.0',
            repository: 'github:sigstore/sigstore-js',
            // no dist.attestations.url: the conventional path is used
            dist: {
              integrity: SS_INTEGRITY,
              tarball: 'http://registry.test/sigstore/-/sigstore-1.0.0.tgz',
              signatures: [SS_SIG],
            },
          },
        },
      },
    ],
    ['/-/npm/v1/attestations/sigstore@1.0.0', read('npm-cli/valid-sigstore-attestations.json')],
  ]);
}

export function fakeClient(table: Routes, log: string[] = []): VerifyRegistry {
  const lookup = (pathOrUrl: string) => {
    const p = pathOrUrl.replace(/^https?:\/\/[^/]+/, '').replace(/^\/?/, '/');
    log.push(p);
    const body = table.get(p);
    if (body instanceof Error) throw body;
    return body;
  };
  return {
    // npm-package-arg's escaping (the RegistryClient writes %2F; registries accept both)
    packumentPath: (name) => name.replace('/', '%2f'),
    getJson: (p) => {
      try {
        const body = lookup(p);
        return Promise.resolve(
          Buffer.isBuffer(body) ? (JSON.parse(body.toString()) as unknown) : (body ?? null),
        );
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    getBuffer: (p) => {
      try {
        const body = lookup(p);
        if (body === undefined) return Promise.resolve(null);
        return Promise.resolve(Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body)));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

/** The trust material the fixtures were signed under (sigstore-js's seeds, corepack's npm keys). */
export function fixtureTrust(): VerificationTrust {
  return createVerificationTrust(
    json('trust/trusted_root.sigstore-js-seeds.json'),
    json('trust/npm-v1-keys.corepack.json'),
    'given',
  );
}
