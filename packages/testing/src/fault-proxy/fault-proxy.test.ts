import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideFault, FAULT_KINDS } from './decide.js';
import { startFaultProxy } from './fault-proxy.js';

let upstream: Server;
let target: string;
const stored: string[] = [];
beforeAll(async () => {
  upstream = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method === 'PUT') stored.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, host: req.headers.host, pad: 'x'.repeat(200) }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

const kinds = FAULT_KINDS.map((k) => [k, 1] as const);

describe('decideFault', () => {
  it('is a function of seed, key and occurrence only', () => {
    const a = Array.from({ length: 200 }, (_, i) =>
      decideFault({ seed: 7, key: `GET /${i}`, occurrence: 0, rate: 0.2, kinds }),
    );
    const b = Array.from({ length: 200 }, (_, i) =>
      decideFault({ seed: 7, key: `GET /${i}`, occurrence: 0, rate: 0.2, kinds }),
    );
    const c = Array.from({ length: 200 }, (_, i) =>
      decideFault({ seed: 8, key: `GET /${i}`, occurrence: 0, rate: 0.2, kinds }),
    );
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('injects at about the given rate', () => {
    const n = 5000;
    const faulted = Array.from({ length: n }, (_, i) =>
      decideFault({ seed: 'rate', key: `GET /${i}`, occurrence: 0, rate: 0.2, kinds }),
    ).filter((k) => k !== null).length;
    expect(faulted / n).toBeGreaterThan(0.17);
    expect(faulted / n).toBeLessThan(0.23);
  });
});

describe('startFaultProxy', () => {
  it('refuses a non-loopback upstream', async () => {
    await expect(startFaultProxy({ target: 'http://10.0.0.1:4873/', seed: 1 })).rejects.toThrow(/loopback/);
    await expect(startFaultProxy({ target: 'https://registry.npmjs.org/', seed: 1 })).rejects.toThrow(
      /loopback/,
    );
  });

  it('passes requests through untouched at rate 0, keeping the Host header', async () => {
    const proxy = await startFaultProxy({ target, seed: 1, rate: 0 });
    try {
      const res = await fetch(`${proxy.url}pkg`);
      const body = (await res.json()) as { path: string; host: string };
      expect(body.path).toBe('/pkg');
      expect(body.host).toBe(`127.0.0.1:${proxy.port}`);
      expect(proxy.stats()).toMatchObject({ requests: 1, faulted: 0 });
    } finally {
      await proxy.stop();
    }
  });

  it('injects each kind as described, and counts it', async () => {
    const seen = new Set<string>();
    for (const kind of FAULT_KINDS) {
      const proxy = await startFaultProxy({
        target,
        seed: kind,
        rate: 1,
        weights: { [kind]: 1 },
        latencyMs: [10, 20],
      });
      try {
        const outcome = await fetch(`${proxy.url}x`)
          .then(async (r) => `${r.status}:${r.headers.get('retry-after') ?? ''}:${(await r.text()).length}`)
          .catch((e: Error) => `error:${e.name}`);
        seen.add(`${kind}=${outcome.replace(/:\d+$/, '')}`);
        expect(proxy.stats().byKind[kind]).toBe(1);
        expect(proxy.injected()).toEqual([{ method: 'GET', path: '/x', kind }]);
      } finally {
        await proxy.stop();
      }
    }
    expect([...seen].sort()).toEqual(
      [
        'latency=200:',
        'rate-limit=429:1',
        'reset-after=error:TypeError',
        'reset=error:TypeError',
        'server-error=500:',
        'truncate=error:TypeError',
        'unavailable=503:1',
      ].sort(),
    );
  });

  it('never truncates an answer to a write, and never fails one key more than maxConsecutive times in a row', async () => {
    const proxy = await startFaultProxy({
      target,
      seed: 3,
      rate: 1,
      weights: { truncate: 1, 'reset-after': 1 },
      maxConsecutive: 2,
    });
    try {
      const results: string[] = [];
      for (let i = 0; i < 3; i++) {
        results.push(
          await fetch(`${proxy.url}pkg`, { method: 'PUT', body: `v${i}` })
            .then((r) => String(r.status))
            .catch(() => 'lost'),
        );
      }
      expect(results).toEqual(['lost', 'lost', '200']);
      expect(proxy.stats().byKind).toMatchObject({ truncate: 0, 'reset-after': 2 });
      // reset-after forwards: the registry stored all three
      expect(stored.slice(-3)).toEqual(['v0', 'v1', 'v2']);
    } finally {
      await proxy.stop();
    }
  });

  it('resetAfterStorePuts: exactly the Nth package PUT is stored, then its answer lost', async () => {
    const proxy = await startFaultProxy({ target, seed: 1, rate: 0, resetAfterStorePuts: [2] });
    try {
      const before = stored.length;
      const put = (path: string) =>
        fetch(`${proxy.url}${path}`, { method: 'PUT', body: path }).then(
          (r) => r.status,
          () => 'reset',
        );
      expect(await put('-/user/x')).toBe(200);
      expect(await put('@s%2fa')).toBe(200);
      expect(await put('@s%2fb')).toBe('reset');
      expect(await put('@s%2fb')).toBe(200);
      // the reset one reached the upstream all the same
      expect(stored.slice(before)).toEqual(['-/user/x', '@s%2fa', '@s%2fb', '@s%2fb']);
      expect(proxy.injected()).toEqual([{ method: 'PUT', path: '/@s%2fb', kind: 'reset-after' }]);
    } finally {
      await proxy.stop();
    }
  });
});
