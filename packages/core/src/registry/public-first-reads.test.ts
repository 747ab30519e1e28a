import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicFirstReads } from './public-first-reads.js';

let server: Server;
let url: string;
const seen: Array<{ path: string; auth: boolean; encoding: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const auth = req.headers.authorization === 'Bearer s3cret-token';
    seen.push({ path: req.url ?? '', auth, encoding: req.headers['accept-encoding'] });
    const body = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    if (req.url === '/public') return body(200, { name: 'public' });
    if (req.url === '/private') return auth ? body(200, { name: 'private' }) : body(404, {});
    if (req.url === '/forbidden') return auth ? body(200, { name: 'forbidden' }) : body(403, {});
    return body(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const reads = (withAuth: boolean) =>
  publicFirstReads({
    registry: url,
    auth: withAuth ? { kind: 'token', token: 's3cret-token' } : { kind: 'none' },
    concurrency: 2,
    fetch,
    sleep: () => Promise.resolve(),
    now: Date.now,
  });

describe('publicFirstReads', () => {
  it("asks for uncompressed answers (the workspace's own small documents)", async () => {
    seen.length = 0;
    await reads(false).getJson('public');
    expect(seen.map((s) => s.encoding)).toEqual(['identity']);
  });

  it('reads public documents without the token', async () => {
    seen.length = 0;
    expect(await reads(true).getJson('public')).toEqual({ name: 'public' });
    expect(seen).toEqual([{ path: '/public', auth: false, encoding: 'identity' }]);
  });
  it('repeats with the token on 403, not on 404', async () => {
    seen.length = 0;
    const client = reads(true);
    expect(await client.getJson('forbidden')).toEqual({ name: 'forbidden' });
    expect(await client.getJson('private')).toBeNull();
    expect(seen.map((s) => s.auth)).toEqual([false, true, false]);
  });
  it('without a token, a 404 stays null', async () => {
    expect(await reads(false).getJson('private')).toBeNull();
    expect(await reads(true).getJson('missing')).toBeNull();
  });
  it("describes itself for another thread only when its fetch is the network's own; a size cap holds", async () => {
    expect(reads(true).portable?.()).toBeNull();
    const portable = publicFirstReads({
      registry: url,
      auth: { kind: 'token', token: 's3cret-token' },
      concurrency: 2,
      timeoutMs: 7000,
      retry: { retries: 1 },
      fetch,
      sleep: () => Promise.resolve(),
      now: Date.now,
      portable: true,
    });
    expect(portable.portable?.()).toEqual({
      registry: url,
      auth: { kind: 'token', token: 's3cret-token' },
      timeoutMs: 7000,
      retry: { retries: 1 },
    });
    await expect(portable.getBuffer('public', { maxBytes: 4 })).rejects.toThrow(/4-byte limit/);
  });
});
