import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { RegistryClient } from '../registry/client.js';
import type { VerificationTrust } from '../trust/index.js';
import { FIXTURES, PW, fakeClient, fixtureTrust, present, routes } from './test-support/fake-registry.js';
import { verifyPackages } from './verify-packages.js';
import { parseVersionSpec, verifyVersions, type VerifyRegistry } from './verify-versions.js';

const describeFixtures = present ? describe : describe.skip;

describeFixtures('verifyVersions', () => {
  let trust: VerificationTrust;
  beforeAll(() => {
    trust = fixtureTrust();
  });
  const errors = (r: { problems: { code: string; severity: string }[] }) =>
    r.problems.filter((p) => p.severity === 'error').map((p) => p.code);

  it('verifies scoped and unscoped versions, with the escaped paths of SPEC §5', async () => {
    const log: string[] = [];
    const reports = await verifyVersions(
      [
        { name: PW, version: '0.1.1', dir: 'packages/cli' },
        { name: 'sigstore', version: '1.0.0' },
      ],
      {},
      { client: fakeClient(routes(), log), trust },
    );
    expect(reports.map((r) => [r.name, r.version, r.status, errors(r)])).toEqual([
      [PW, '0.1.1', 'verified', []],
      ['sigstore', '1.0.0', 'verified', []],
    ]);
    expect(reports[0]).toMatchObject({
      dir: 'packages/cli',
      publish: null,
      verification: {
        provenance: 'verified',
        publishAttestation: 'verified',
        registrySignature: 'missing',
        identity: { repository: 'https://github.com/microsoft/playwright-cli' },
      },
    });
    expect(reports[1]!.verification?.registrySignature).toBe('verified');
    expect(log).toEqual([
      '/@playwright%2fcli',
      '/sigstore',
      '/-/npm/v1/attestations/@playwright%2fcli@0.1.1',
      '/-/npm/v1/attestations/sigstore@1.0.0',
    ]);
  });

  it('turns each per-version failure into problems on that version only', async () => {
    const table = routes();
    table.set('/-/npm/v1/attestations/sigstore@1.0.0', Buffer.from('<html>gateway</html>'));
    table.set(
      '/broken',
      new ProvenantError('REGISTRY_UNREACHABLE', 'Cannot reach http://registry.test/broken'),
    );
    const reports = await verifyVersions(
      [
        { name: 'nope', version: '1.0.0' },
        { name: PW, version: '9.9.9' },
        { name: 'sigstore', version: '1.0.0' },
        { name: 'broken', version: '1.0.0' },
        { name: PW, version: '0.1.1' },
      ],
      {},
      { client: fakeClient(table), trust },
    );
    expect(reports.map((r) => [r.name, r.status, errors(r)])).toEqual([
      ['nope', 'unverified', ['VERSION_NOT_FOUND']],
      [PW, 'unverified', ['VERSION_NOT_FOUND']],
      ['sigstore', 'unverified', ['ATTESTATIONS_INVALID']],
      ['broken', 'unverified', ['REGISTRY_UNREACHABLE']],
      [PW, 'verified', []],
    ]);
    expect(reports[0]!.verification).toBeNull();
  });

  it('defaults the expected repository to the manifest repository.url', async () => {
    const table = routes();
    const pack = table.get('/sigstore') as { versions: Record<string, { repository: unknown }> };
    pack.versions['1.0.0']!.repository = 'git+https://github.com/someone/else.git';
    const [report] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      {},
      { client: fakeClient(table), trust },
    );
    expect(errors(report!)).toEqual(['IDENTITY_MISMATCH']);
    // an explicit expectation wins over the manifest
    const [again] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      { expectRepository: 'sigstore/sigstore-js' },
      { client: fakeClient(table), trust },
    );
    expect(again!.status).toBe('verified');
  });

  it('warns when nothing pins the expected repository (IDENTITY_NOT_PINNED)', async () => {
    const table = routes();
    const pack = table.get('/sigstore') as { versions: Record<string, { repository?: unknown }> };
    delete pack.versions['1.0.0']!.repository;
    const [report] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      {},
      { client: fakeClient(table), trust },
    );
    expect(report!.status).toBe('verified');
    expect(report!.problems.map((p) => [p.code, p.severity])).toEqual([['IDENTITY_NOT_PINNED', 'warning']]);
  });

  it('checks the downloaded tarball', async () => {
    const table = routes();
    const [good] = await verifyVersions(
      [{ name: PW, version: '0.1.1' }],
      { tarball: true },
      { client: fakeClient(table), trust },
    );
    expect(good!.status).toBe('verified');
    const [gone] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      { tarball: true },
      { client: fakeClient(table), trust },
    );
    expect(errors(gone!)).toEqual(['TARBALL_INTEGRITY_MISMATCH']); // 404: nothing to match
    table.set('/@playwright/cli/-/cli-0.1.1.tgz', Buffer.from('evil'));
    const [report] = await verifyVersions(
      [{ name: PW, version: '0.1.1' }],
      { tarball: true },
      { client: fakeClient(table), trust },
    );
    expect(errors(report!)).toEqual(['TARBALL_INTEGRITY_MISMATCH']);
  });

  it('resolves a dist-tag or a bare name to a version', async () => {
    const reports = await verifyVersions(
      [
        { name: PW, version: null },
        { name: 'sigstore', version: 'latest' },
      ],
      {},
      { client: fakeClient(routes()), trust },
    );
    expect(reports.map((r) => [r.version, r.status])).toEqual([
      ['0.1.1', 'verified'],
      ['1.0.0', 'verified'],
    ]);
  });

  it('waits with backoff until the attestations appear (release)', async () => {
    const table = routes();
    const doc = table.get('/-/npm/v1/attestations/sigstore@1.0.0');
    table.delete('/-/npm/v1/attestations/sigstore@1.0.0');
    let clock = 0;
    const sleeps: number[] = [];
    const sleep = (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      if (sleeps.length === 2) table.set('/-/npm/v1/attestations/sigstore@1.0.0', doc);
      return Promise.resolve();
    };
    const [report] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      { verifyTimeoutMs: 60_000 },
      { client: fakeClient(table), trust, sleep, now: () => clock },
    );
    expect(report!.status).toBe('verified');
    expect(sleeps).toEqual([1000, 2000]);
  });

  it('gives up at the deadline with ATTESTATIONS_MISSING', async () => {
    const table = routes();
    table.delete('/-/npm/v1/attestations/sigstore@1.0.0');
    let clock = 0;
    const sleeps: number[] = [];
    const [report] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      { verifyTimeoutMs: 20_000 },
      {
        client: fakeClient(table),
        trust,
        sleep: (ms) => {
          sleeps.push(ms);
          clock += ms;
          return Promise.resolve();
        },
        now: () => clock,
      },
    );
    expect(errors(report!)).toEqual(['ATTESTATIONS_MISSING']);
    expect(sleeps).toEqual([1000, 2000, 4000, 8000]);
    // without a timeout, no waiting at all
    const [now] = await verifyVersions(
      [{ name: 'sigstore', version: '1.0.0' }],
      {},
      { client: fakeClient(table), trust, sleep: () => Promise.reject(new Error('must not sleep')) },
    );
    expect(errors(now!)).toEqual(['ATTESTATIONS_MISSING']);
  });

  it('keeps at most `concurrency` versions in flight and reports progress', async () => {
    let inFlight = 0;
    let max = 0;
    const base = fakeClient(routes());
    const client: VerifyRegistry = {
      ...base,
      getJson: async (p) => {
        inFlight++;
        max = Math.max(max, inFlight);
        await new Promise((resolve) => setTimeout(resolve, 5));
        inFlight--;
        return base.getJson(p);
      },
    };
    const seen: string[] = [];
    const specs = Array.from({ length: 8 }, () => ({ name: 'sigstore', version: '1.0.0' }));
    const reports = await verifyVersions(
      specs,
      { concurrency: 2 },
      { client, trust, onResult: (r) => seen.push(r.status) },
    );
    expect(max).toBeLessThanOrEqual(2);
    expect(seen).toHaveLength(8);
    expect(reports.every((r) => r.status === 'verified')).toBe(true);
  });
});

describeFixtures('verifyPackages over a real HTTP registry', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const table = routes();
    server = createServer((req, res) => {
      const body = table.get((req.url ?? '').replace(/%2F/g, '%2f'));
      if (body === undefined) return res.writeHead(404).end('{}');
      res.writeHead(200, {
        'content-type': Buffer.isBuffer(body) ? 'application/octet-stream' : 'application/json',
      });
      res.end(Buffer.isBuffer(body) ? body : JSON.stringify(body).replaceAll('http://registry.test', base));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('verifies string specs with the RegistryClient and given trust files', async () => {
    const client = new RegistryClient({ registry: base });
    const trustOptions = {
      mode: 'given' as const,
      trustedRootPath: path.join(FIXTURES, 'trust/trusted_root.sigstore-js-seeds.json'),
      npmKeysPath: path.join(FIXTURES, 'trust/npm-v1-keys.corepack.json'),
    };
    const reports = await verifyPackages(
      [`${PW}@0.1.1`, 'sigstore@1.0.0', 'missing@1.0.0'],
      { trust: trustOptions },
      { client },
    );
    expect(reports.map((r) => [r.name, r.status])).toEqual([
      [PW, 'verified'],
      ['sigstore', 'verified'],
      ['missing', 'unverified'],
    ]);
    const [withTarball] = await verifyPackages(
      [`${PW}@0.1.1`],
      { trust: trustOptions, tarball: true },
      { client },
    );
    expect(withTarball!.status).toBe('verified');
  });

  it('verifies with the embedded trust (offline)', async () => {
    const client = new RegistryClient({ registry: base });
    const reports = await verifyPackages([`${PW}@0.1.1`], { trust: { mode: 'offline' } }, { client });
    expect(reports[0]!.status).toBe('verified');
  });

  it('refuses a malformed spec before any request (INVALID_SPEC, exit 2)', async () => {
    const error = await verifyPackages(
      ['not a spec!'],
      { trust: { mode: 'offline' } },
      { client: new RegistryClient({ registry: base }) },
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProvenantError);
    expect((error as ProvenantError).code).toBe('INVALID_SPEC');
    expect((error as ProvenantError).exitCode).toBe(2);
  });
});

describe('parseVersionSpec', () => {
  it.each([
    ['a@1.0.0', { name: 'a', version: '1.0.0' }],
    ['@s/a@1.0.0-rc.1+b', { name: '@s/a', version: '1.0.0-rc.1+b' }],
    ['@s/a', { name: '@s/a', version: null }],
    ['a@next', { name: 'a', version: 'next' }],
    ['a', { name: 'a', version: null }],
  ])('%s', (text, expected) => expect(parseVersionSpec(text)).toEqual(expected));
  it.each(['', '@', '@s/', 'a@', 'a b@1', '@s/a@1@2', '../x@1'])('%j is malformed', (text) =>
    expect(parseVersionSpec(text)).toBeNull(),
  );
});
