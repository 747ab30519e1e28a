import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { delayAnswer, parseRigLatency, WAN_LATENCY } from './latency.js';

describe('parseRigLatency', () => {
  it('reads per-kind milliseconds, defaults the rest to 0', () => {
    expect(parseRigLatency('get=60,put=1500')).toEqual({ get: 60, put: 1500, sigstore: 0, oidc: 0 });
    expect(parseRigLatency(undefined)).toEqual({ get: 0, put: 0, sigstore: 0, oidc: 0 });
    expect(parseRigLatency('wan')).toEqual(WAN_LATENCY);
  });

  it.each(['gett=60', 'put=-1', 'put=abc', 'put=', 'sigstore'])('refuses %j', (spec) => {
    expect(() => parseRigLatency(spec)).toThrow(/PROVENANT_RIG_LATENCY/);
  });
});

describe('delayAnswer', () => {
  it('holds the answer back, not the request body', async () => {
    const delayMs = 1500;
    let arrivedAt = 0;
    let bodyReadAt = 0;
    const server = createServer((req, res) => {
      arrivedAt = Date.now();
      delayAnswer(res, delayMs);
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodyReadAt = Date.now();
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: 'PUT',
        body: 'hello',
      });
      expect(await response.text()).toBe('hello');
      expect(Date.now() - arrivedAt).toBeGreaterThanOrEqual(delayMs - 10);
      // the body was consumed before the answer was due: the request was not held back
      expect(bodyReadAt - arrivedAt).toBeLessThan(delayMs);
    } finally {
      server.close();
    }
  });
});
