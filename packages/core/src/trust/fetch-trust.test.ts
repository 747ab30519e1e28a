import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { fetchOnlineTrust } from './fetch-trust.js';
import { loadTrust } from './load-trust-options.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');
const present = existsSync(path.join(FIXTURES, 'README.md'));
const describeFixtures = present ? describe : describe.skip;
const json = (rel: string): unknown => JSON.parse(readFileSync(path.join(FIXTURES, rel), 'utf8'));

describeFixtures('trust loading', () => {
  const tuf = {
    trustedRoot: () => Promise.resolve(json('trust/trusted_root.sigstore-js-seeds.json')),
    npmKeys: () => Promise.resolve(json('trust/registry.npmjs.org-keys.tuf-target.json')),
  };

  it('online: takes the registry keys, else the TUF target', async () => {
    const asked: string[] = [];
    const registryKeys = json('trust/npm-v1-keys.corepack.json');
    const fromRegistry = await fetchOnlineTrust({
      client: { getJson: (p) => (asked.push(p), Promise.resolve(registryKeys)) },
      tuf,
    });
    expect(asked).toEqual(['/-/npm/v1/keys']);
    expect(fromRegistry.source).toBe('online');
    expect(fromRegistry.npmKeys).toHaveLength(4); // 2 keys × 2 usages
    const fromTuf = await fetchOnlineTrust({ client: { getJson: () => Promise.resolve(null) }, tuf });
    expect(fromTuf.npmKeys.map((k) => k.usage)).toEqual([
      'npm:signatures',
      'npm:attestations',
      'npm:signatures',
      'npm:attestations',
    ]);
  });

  it('online: an unreachable TUF repository is REGISTRY_UNREACHABLE', async () => {
    const error = await fetchOnlineTrust({
      client: { getJson: () => Promise.resolve(null) },
      tuf: { trustedRoot: () => Promise.reject(new Error('ENOTFOUND')), npmKeys: tuf.npmKeys },
    }).catch((e: unknown) => e);
    expect((error as ProvenantError).code).toBe('REGISTRY_UNREACHABLE');
  });

  it('given: both files, or one file plus the embedded seed', async () => {
    const trustedRootPath = path.join(FIXTURES, 'trust/trusted_root.sigstore-js-seeds.json');
    const npmKeysPath = path.join(FIXTURES, 'trust/npm-v1-keys.corepack.json');
    expect((await loadTrust({ mode: 'given', trustedRootPath, npmKeysPath })).npmKeys).toHaveLength(4);
    expect((await loadTrust({ mode: 'given', trustedRootPath })).source).toBe('given');
    expect((await loadTrust({ mode: 'given', npmKeysPath })).source).toBe('given');
    expect((await loadTrust({ mode: 'offline' })).source).toBe('offline');
  });

  it.each([
    ['a missing file', { trustedRootPath: '/nonexistent/trusted_root.json' }],
    [
      'keys given as the trusted root',
      { trustedRootPath: path.join(FIXTURES, 'trust/npm-v1-keys.corepack.json') },
    ],
    [
      'a trusted root given as keys',
      { npmKeysPath: path.join(FIXTURES, 'trust/trusted_root.sigstore-js-seeds.json') },
    ],
    [
      'a file that is not JSON',
      { npmKeysPath: path.join(FIXTURES, 'sigstore-dotnet/playwright-cli-0.1.1.tgz') },
    ],
    ['no file at all', {}],
  ])('given: %s is TRUST_MATERIAL_INVALID (exit 2)', async (_label, paths) => {
    const error = await loadTrust({ mode: 'given', ...paths }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvenantError);
    expect((error as ProvenantError).code).toBe('TRUST_MATERIAL_INVALID');
    expect((error as ProvenantError).exitCode).toBe(2);
  });
});
