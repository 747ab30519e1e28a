/**
 * The verification threads give the same verdicts as this thread. They run the
 * compiled worker (dist/), so `pnpm build` comes first (as in `pnpm test`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { isProvenantError } from '../errors.js';
import { loadEmbeddedTrust } from '../trust/index.js';
import type { VersionInput } from './types.js';
import { createVerifyPool, releaseVerifyThreads } from './verify-pool.js';
import { verifyVersion } from './verify-version.js';

const workerUrl = new URL('../../dist/verify/verify-worker.js', import.meta.url);
const FIXTURE = fileURLToPath(
  new URL(
    '../../../../../shared/fixtures/attestations/npm-cli/valid-sigstore-attestations.json',
    import.meta.url,
  ),
);
const built = existsSync(fileURLToPath(workerUrl));

function fixtureInput(): VersionInput {
  const text = readFileSync(FIXTURE);
  const doc = JSON.parse(text.toString()) as {
    attestations: Array<{ bundle: { dsseEnvelope: { payload: string } } }>;
  };
  const statement = JSON.parse(
    Buffer.from(doc.attestations[0]?.bundle.dsseEnvelope.payload ?? '', 'base64').toString(),
  ) as { subject: Array<{ name: string; digest: { sha512: string } }> };
  const purl = decodeURIComponent(statement.subject[0]?.name ?? '').slice('pkg:npm/'.length);
  const at = purl.lastIndexOf('@');
  return {
    name: purl.slice(0, at),
    version: purl.slice(at + 1),
    dist: {
      integrity: `sha512-${Buffer.from(statement.subject[0]?.digest.sha512 ?? '', 'hex').toString('base64')}`,
      tarball: '',
    },
    attestationsDoc: text,
  };
}

// thread start-up (module loading, trust parsing) is slow on a loaded machine
describe.runIf(built)('createVerifyPool', { timeout: 60_000 }, async () => {
  const trust = await loadEmbeddedTrust();
  const pool = createVerifyPool(trust, { threads: 2, workerUrl });
  afterAll(() => pool.close());

  it.runIf(existsSync(FIXTURE))('verifies a real attestation as this thread does', async () => {
    const input = fixtureInput();
    const here = verifyVersion(input, trust, {});
    const there = await Promise.all([pool.verify(input, {}), pool.verify(input, {})]);
    expect(here.verification.provenance).toBe('verified');
    expect(there[0]).toEqual(here);
    expect(there[1]).toEqual(here);
  });

  it.runIf(existsSync(FIXTURE))(
    'reads the attestations document there: the verdict, a 404 and a failing registry as here',
    async () => {
      const { attestationsDoc, ...input } = fixtureInput();
      const seen: string[] = [];
      const server = createServer((req, res) => {
        seen.push(`${req.url} ${req.headers.authorization ?? 'anonymous'}`);
        if (req.url === '/-/npm/v1/attestations/x@1.0.0') res.writeHead(200).end(attestationsDoc as Buffer);
        else if (req.url === '/broken') res.writeHead(500).end('no');
        else res.writeHead(404).end('{}');
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const read = (path: string) => ({
          reads: {
            registry: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
            auth: { kind: 'token' as const, token: 'npm_secret' },
            timeoutMs: 5000,
            retry: { retries: 0 },
          },
          path,
          maxBytes: 4 * 1024 * 1024,
        });
        const verifyReading = pool.verifyReading?.bind(pool);
        expect(verifyReading).toBeDefined();
        const there = await verifyReading?.(input, read('/-/npm/v1/attestations/x@1.0.0'), {});
        expect(there).toEqual(verifyVersion({ ...input, attestationsDoc }, trust, {}));
        expect(there?.verification.provenance).toBe('verified');
        // public reads go out without the token (public-first-reads.ts), as on this thread
        expect(seen).toEqual(['/-/npm/v1/attestations/x@1.0.0 anonymous']);
        expect(await verifyReading?.(input, read('/-/npm/v1/attestations/x@2.0.0'), {})).toBeNull();
        const failed = await verifyReading?.(input, read('/broken'), {}).then(
          () => null,
          (error: unknown) => error,
        );
        expect(isProvenantError(failed) && failed.code).toBe('REGISTRY_BAD_RESPONSE');
        expect(isProvenantError(failed) && failed.message).toContain('HTTP 500');
      } finally {
        server.close();
      }
    },
  );

  it('a document that is not JSON is the same problem there', async () => {
    const input: VersionInput = {
      name: 'x',
      version: '1.0.0',
      dist: { integrity: 'sha512-AAAA', tarball: '' },
      attestationsDoc: Buffer.from('not json'),
    };
    const there = await pool.verify(input, {});
    expect(there.problems.map((p) => p.code)).toEqual(
      verifyVersion(input, trust, {}).problems.map((p) => p.code),
    );
    expect(there.problems.map((p) => p.code)).toContain('ATTESTATIONS_INVALID');
  });
});

it('without a compiled worker the pool verifies on this thread', async () => {
  const trust = await loadEmbeddedTrust();
  const pool = createVerifyPool(trust, { workerUrl: new URL('file:///nonexistent/verify-worker.js') });
  const input: VersionInput = {
    name: 'x',
    version: '1.0.0',
    dist: { integrity: 'sha512-AAAA', tarball: '' },
    attestationsDoc: null,
  };
  expect((await pool.verify(input, {})).problems.map((p) => p.code)).toContain('ATTESTATIONS_MISSING');
  await pool.close();
});

it('a release verifies on half the cores (its publishers hold the rest), at least one', () => {
  expect([1, 2, 3, 4, 8].map((cores) => releaseVerifyThreads(cores))).toEqual([1, 1, 1, 2, 4]);
});
