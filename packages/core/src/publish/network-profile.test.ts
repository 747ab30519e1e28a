import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { measureNetwork } from './network-profile.js';

let server: Server | undefined;
afterEach(() => server?.close());

async function registry(delayMs: number): Promise<string> {
  server = createServer((req, res) => {
    setTimeout(() => res.end(req.url === '/-/ping' ? '{}' : 'no'), delayMs);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

describe('measureNetwork', () => {
  it('a registry answering at once is nearby', async () => {
    const url = await registry(0);
    const { profile, rttMs } = await measureNetwork(url, fetch);
    expect(profile).toBe('nearby');
    expect(rttMs).not.toBeNull();
  });

  it('a registry 60 ms away (the WAN profile) is remote', async () => {
    const url = await registry(60);
    expect((await measureNetwork(url, fetch)).profile).toBe('remote');
  });

  it('no answer in time: remote', async () => {
    const url = await registry(500);
    expect((await measureNetwork(url, fetch, undefined, 50)).profile).toBe('remote');
  });

  it('a registry that cannot be reached: remote', async () => {
    const failing = (() => Promise.reject(new Error('ECONNREFUSED'))) as typeof fetch;
    expect((await measureNetwork('http://127.0.0.1:9/', failing)).profile).toBe('remote');
  });
});
