/**
 * Verification threads that read each attestations document themselves: the
 * thread that publishes neither fetches nor buffers it, and every outcome
 * (verified, not there yet, registry failure, a dead thread) is what reading
 * here would give.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import type { PortableReads } from '../registry/public-first-reads.js';
import type { VerificationTrust } from '../trust/index.js';
import { fakeClient, fixtureTrust, present, routes, type Routes } from './test-support/fake-registry.js';
import type { VerifyPool } from './verify-pool.js';
import { verifyVersion } from './verify-version.js';
import { verifyVersions, type VerifyRegistry } from './verify-versions.js';

const PORTABLE: PortableReads = {
  registry: 'http://registry.test/',
  auth: { kind: 'none' },
  timeoutMs: 1000,
};
const ATTESTATIONS = '/-/npm/v1/attestations/sigstore@1.0.0';

/** A client whose attestations reads must go to the thread: reading one here fails the test. */
function threadOnly(table: Routes, log: string[]): VerifyRegistry {
  const client = fakeClient(table, log);
  return {
    ...client,
    getBuffer: (p, o) =>
      p.includes('/attestations/')
        ? Promise.reject(new Error(`read on the main thread: ${p}`))
        : client.getBuffer(p, o),
    portable: () => PORTABLE,
  };
}

/** A pool whose "thread" reads from the same table (and records what it was asked). */
function readingPool(
  table: Routes,
  trust: VerificationTrust,
  asked: string[],
  fail?: () => Error,
): VerifyPool {
  const there = fakeClient(table);
  return {
    verify: (input, policy) => Promise.resolve(verifyVersion(input, trust, policy)),
    async verifyReading(input, read, policy) {
      asked.push(`${read.reads.registry} ${read.path} ${read.maxBytes}`);
      if (fail) throw fail();
      const doc = await there.getBuffer(read.path, { maxBytes: read.maxBytes });
      return doc === null ? null : verifyVersion({ ...input, attestationsDoc: doc }, trust, policy);
    },
    close: () => Promise.resolve(),
  };
}

describe.runIf(present)('verifyVersions with reading threads', () => {
  let trust: VerificationTrust;
  beforeAll(() => {
    trust = fixtureTrust();
  });
  const spec = [{ name: 'sigstore', version: '1.0.0' }];

  it('sends the document to be read there, and the verdict is the same', async () => {
    const table = routes();
    const log: string[] = [];
    const asked: string[] = [];
    const [report] = await verifyVersions(
      spec,
      {},
      { client: threadOnly(table, log), trust, pool: readingPool(table, trust, asked) },
    );
    expect(report!.status).toBe('verified');
    expect(asked).toEqual([`http://registry.test/ ${ATTESTATIONS} ${4 * 1024 * 1024}`]);
    expect(log).toEqual(['/sigstore']);
  });

  it('waits for a document that is not there yet, then gives up with ATTESTATIONS_MISSING', async () => {
    const table = routes();
    const doc = table.get(ATTESTATIONS);
    table.delete(ATTESTATIONS);
    let clock = 0;
    const sleeps: number[] = [];
    const sleep = (ms: number) => {
      sleeps.push(ms);
      clock += ms;
      if (sleeps.length === 2) table.set(ATTESTATIONS, doc);
      return Promise.resolve();
    };
    const asked: string[] = [];
    const deps = { trust, sleep, now: () => clock, pool: readingPool(table, trust, asked) };
    const [late] = await verifyVersions(
      spec,
      { verifyTimeoutMs: 60_000 },
      { client: threadOnly(table, []), ...deps },
    );
    expect(late!.status).toBe('verified');
    expect(sleeps).toEqual([1000, 2000]);
    expect(asked).toHaveLength(3);

    table.delete(ATTESTATIONS);
    sleeps.length = 0;
    clock = 0;
    const [never] = await verifyVersions(
      spec,
      { verifyTimeoutMs: 5_000 },
      {
        client: threadOnly(table, []),
        ...deps,
        sleep: (ms) => ((clock += ms), sleeps.push(ms), Promise.resolve()),
      },
    );
    expect(never!.problems.filter((p) => p.severity === 'error').map((p) => p.code)).toEqual([
      'ATTESTATIONS_MISSING',
    ]);
    expect(sleeps).toEqual([1000, 2000]);
  });

  it("a registry failure there is the version's problem, as here", async () => {
    const table = routes();
    const [report] = await verifyVersions(
      spec,
      {},
      {
        client: threadOnly(table, []),
        trust,
        pool: readingPool(
          table,
          trust,
          [],
          () =>
            new ProvenantError('REGISTRY_UNREACHABLE', 'Cannot reach http://registry.test/', { hint: 'h' }),
        ),
      },
    );
    expect(report!.problems.map((p) => [p.code, p.message, p.hint])).toEqual([
      ['REGISTRY_UNREACHABLE', 'Cannot reach http://registry.test/', 'h'],
    ]);
  });

  it('a thread that died is no verdict: this thread reads and verifies', async () => {
    const table = routes();
    const log: string[] = [];
    const [report] = await verifyVersions(
      spec,
      {},
      {
        client: { ...fakeClient(table, log), portable: () => PORTABLE },
        trust,
        pool: readingPool(table, trust, [], () => new Error('worker exited')),
      },
    );
    expect(report!.status).toBe('verified');
    expect(log).toEqual(['/sigstore', ATTESTATIONS]);
  });

  it('reads here when the client cannot be repeated elsewhere (an injected fetch)', async () => {
    const table = routes();
    const log: string[] = [];
    const asked: string[] = [];
    const [report] = await verifyVersions(
      spec,
      {},
      {
        client: { ...fakeClient(table, log), portable: () => null },
        trust,
        pool: readingPool(table, trust, asked),
      },
    );
    expect(report!.status).toBe('verified');
    expect(asked).toEqual([]);
    expect(log).toEqual(['/sigstore', ATTESTATIONS]);
  });
});
