import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { RegistryClient, escapePackageName, normalizeRegistryUrl } from './client.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: Server[] = [];

async function serve(handler: Handler): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});

const noSleep = () => Promise.resolve();

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProvenantError) return error.code;
    throw error;
  }
  return 'NO_ERROR';
}

describe('RegistryClient', () => {
  it('escapes scoped names and keeps a registry path prefix', async () => {
    const seen: string[] = [];
    const base = await serve((req, res) => {
      seen.push(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      res.end('{"name":"@a/b","versions":{}}');
    });
    const client = new RegistryClient({ registry: `${base}artifactory/api/npm/npm` });
    expect(await client.getPackument('@a/b')).toEqual({ name: '@a/b', versions: {} });
    expect(seen).toEqual(['/artifactory/api/npm/npm/@a%2fb']);
    expect(escapePackageName('plain')).toBe('plain');
  });

  it('returns null on 404', async () => {
    const base = await serve((_req, res) => {
      res.statusCode = 404;
      res.end('{}');
    });
    expect(await new RegistryClient({ registry: base }).getPackument('nope')).toBeNull();
  });

  it('retries 429 honouring Retry-After, then succeeds', async () => {
    let calls = 0;
    const delays: number[] = [];
    const base = await serve((_req, res) => {
      calls++;
      if (calls < 3) {
        res.statusCode = 429;
        res.setHeader('retry-after', '2');
        res.end();
        return;
      }
      res.end('{"ok":true}');
    });
    const client = new RegistryClient({
      registry: base,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    });
    expect(await client.getJson('x')).toEqual({ ok: true });
    expect(delays).toEqual([2000, 2000]);
  });

  it('gives up on persistent 500 with REGISTRY_BAD_RESPONSE', async () => {
    let calls = 0;
    const base = await serve((_req, res) => {
      calls++;
      res.statusCode = 503;
      res.end();
    });
    const client = new RegistryClient({ registry: base, sleep: noSleep, retry: { retries: 2 } });
    expect(await codeOf(client.getJson('x'))).toBe('REGISTRY_BAD_RESPONSE');
    expect(calls).toBe(3);
  });

  it('reports HTML as REGISTRY_BAD_RESPONSE', async () => {
    const base = await serve((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end('<html>login</html>');
    });
    expect(await codeOf(new RegistryClient({ registry: base }).getPackument('x'))).toBe(
      'REGISTRY_BAD_RESPONSE',
    );
  });

  it('reports a refused connection as REGISTRY_UNREACHABLE', async () => {
    // port 2: nothing listens there, and unlike a just-closed server's port no other
    // server can be handed it meanwhile (test servers bind in the ephemeral range)
    const client = new RegistryClient({ registry: 'http://127.0.0.1:2/', sleep: noSleep });
    expect(await codeOf(client.getJson('x'))).toBe('REGISTRY_UNREACHABLE');
  });

  it('times out a slow drip instead of hanging', async () => {
    const base = await serve((_req, res) => {
      res.write('{"a":');
      // never ends
    });
    const client = new RegistryClient({
      registry: base,
      timeoutMs: 300,
      sleep: noSleep,
      retry: { retries: 1 },
    });
    const started = Date.now();
    expect(await codeOf(client.getJson('x'))).toBe('REGISTRY_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses bodies over the size cap', async () => {
    const base = await serve((_req, res) => {
      res.end(Buffer.alloc(2048, 32));
    });
    const client = new RegistryClient({ registry: base, maxBodyBytes: 1024 });
    expect(await codeOf(client.getJson('x'))).toBe('REGISTRY_BAD_RESPONSE');
  });

  it('getBuffer maxBytes lowers the cap for one request only', async () => {
    const base = await serve((_req, res) => {
      res.end(Buffer.alloc(2048, 32));
    });
    const client = new RegistryClient({ registry: base });
    expect(await codeOf(client.getBuffer('x', { maxBytes: 1024 }))).toBe('REGISTRY_BAD_RESPONSE');
    expect((await client.getBuffer('x'))?.length).toBe(2048);
  });

  it('sends credentials to the registry origin only', async () => {
    const auths: (string | undefined)[] = [];
    const other = await serve((req, res) => {
      auths.push(req.headers.authorization);
      res.end('tarball');
    });
    const base = await serve((req, res) => {
      auths.push(req.headers.authorization);
      res.end('{}');
    });
    const client = new RegistryClient({ registry: base, auth: { kind: 'token', token: 'secret-token-1' } });
    await client.getJson('x');
    await client.getBuffer(`${other}t.tgz`);
    expect(auths).toEqual(['Bearer secret-token-1', undefined]);
  });

  it('rejects malformed registry URLs with INVALID_REGISTRY_URL', () => {
    expect(() => normalizeRegistryUrl('not a url')).toThrow(ProvenantError);
    expect(() => normalizeRegistryUrl('ftp://x/')).toThrow(ProvenantError);
    expect(normalizeRegistryUrl('https://r.example/path')).toBe('https://r.example/path/');
  });
});
