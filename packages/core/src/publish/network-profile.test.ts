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
  /** A clock that moves `stepMs` between each reading (timing-free: the machine's load cannot matter). */
  const clock = (stepMs: number) => {
    let t = 0;
    return () => (t += stepMs);
  };

  it('a registry answering within 20 ms is nearby', async () => {
    const url = await registry(0);
    const { profile, rttMs } = await measureNetwork(url, fetch, { now: clock(2) });
    expect(profile).toBe('nearby');
    expect(rttMs).toBe(2);
  });

  it('a registry 60 ms away (the WAN profile) is remote', async () => {
    const url = await registry(0);
    expect(await measureNetwork(url, fetch, { now: clock(60) })).toEqual({ profile: 'remote', rttMs: 60 });
  });

  it("pings the registry's /-/ping three times (the later ones on the open connection)", async () => {
    const paths: string[] = [];
    const recording = ((input: string) => {
      paths.push(input);
      return Promise.resolve(new Response('{}'));
    }) as unknown as typeof fetch;
    await measureNetwork('http://registry.example/npm/', recording, { now: clock(1) });
    expect(paths).toEqual(Array(3).fill('http://registry.example/npm/-/ping'));
  });

  it('no answer in time: remote', async () => {
    const url = await registry(2000);
    expect((await measureNetwork(url, fetch, { timeoutMs: 50 })).profile).toBe('remote');
  });

  it('PROVENANT_NETWORK_PROFILE says it instead of measuring', async () => {
    const never = (() => Promise.reject(new Error('not asked'))) as typeof fetch;
    const env = { PROVENANT_NETWORK_PROFILE: 'nearby' };
    expect(await measureNetwork('http://r/', never, { timeoutMs: 50, env })).toEqual({
      profile: 'nearby',
      rttMs: null,
    });
  });

  it('a registry that cannot be reached: remote', async () => {
    const failing = (() => Promise.reject(new Error('ECONNREFUSED'))) as typeof fetch;
    expect((await measureNetwork('http://127.0.0.1:9/', failing)).profile).toBe('remote');
  });
});
