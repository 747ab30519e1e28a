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
    let bodyReadAt = 0;
    const server = createServer((req, res) => {
      delayAnswer(res, 300);
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        bodyReadAt = Date.now();
        res.end(body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        method: 'PUT',
        body: 'hello',
      });
      expect(await response.text()).toBe('hello');
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThanOrEqual(290);
      // the body was consumed at once, while the answer waited
      expect(bodyReadAt - started).toBeLessThan(250);
    } finally {
      server.close();
    }
  });
});
