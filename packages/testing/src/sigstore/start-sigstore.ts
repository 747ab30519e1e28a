import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';
import { makeTempDir, removeDir } from '../temp-dir.js';
import { IdTokenIssuer, decodeRequestToken, githubIdTokenClaims, type JwksDocument } from './id-token.js';
import { createSigstoreServices } from './services.js';
import { createTlsMaterial } from './tls-ca.js';

export interface Sigstore {
  /** `http://127.0.0.1:<port>`: the mock services over plain HTTP, the OIDC endpoint and the proxy. */
  url: string;
  port: number;
  /** Use as HTTPS_PROXY: CONNECTs to `*.sigstore.dev` are answered by the mock services. */
  proxyUrl: string;
  /** GitHub-style ACTIONS_ID_TOKEN_REQUEST_URL. */
  oidcUrl: string;
  /** The proxy's throwaway CA (NODE_EXTRA_CA_CERTS). */
  caCertPath: string;
  /** trusted_root.json for the mock Fulcio CA, Rekor, CT log and TSA. */
  trustedRootPath: string;
  trustedRoot: Record<string, unknown>;
  dir: string;
  /** Signs a JWT with the rig's OIDC key (e.g. a GitLab SIGSTORE_ID_TOKEN). */
  mintIdToken(claims: Record<string, unknown>): string;
  /** The public key of that OIDC key (also served at `GET /oidc/jwks`). */
  idTokenJwks: JwksDocument;
  /** Every request served, in order (`host` is the proxied host, or `local`). */
  requests: Array<{ host: string; method: string; path: string; status: number }>;
  stop(): Promise<void>;
}

export interface StartSigstoreOptions {
  keepDir?: boolean;
}

const SIGSTORE_HOST = /^([a-z0-9-]+\.)*sigstore\.dev:443$/i;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Starts the local Sigstore (Fulcio, Rekor, TSA, GitHub OIDC) and the `*.sigstore.dev` MITM proxy. */
export async function startSigstore(options: StartSigstoreOptions = {}): Promise<Sigstore> {
  const dir = await makeTempDir('sigstore');
  const [services, tls] = await Promise.all([createSigstoreServices(), createTlsMaterial(dir)]);
  const trustedRootPath = join(dir, 'trusted_root.json');
  await writeFile(trustedRootPath, `${JSON.stringify(services.trustedRoot, null, 2)}\n`);
  const issuer = new IdTokenIssuer();
  const requests: Sigstore['requests'] = [];

  const send = (
    res: ServerResponse,
    status: number,
    body: string | ArrayBufferView,
    type = 'application/json',
  ) => {
    res.writeHead(status, { 'Content-Type': type });
    res.end(typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength));
  };

  async function route(req: IncomingMessage, res: ServerResponse, host: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://rig');
    if (req.method === 'GET' && url.pathname === '/oidc/token') {
      const bearer = (req.headers.authorization ?? '').replace(/^bearer\s+/i, '');
      const identity = decodeRequestToken(bearer);
      if (!identity) return send(res, 401, JSON.stringify({ message: 'bad ACTIONS_ID_TOKEN_REQUEST_TOKEN' }));
      const audience =
        url.searchParams.get('audience') ?? 'https://github.com/' + identity.repository.split('/')[0];
      return send(
        res,
        200,
        JSON.stringify({ count: 1, value: issuer.mint(githubIdTokenClaims(identity, audience)) }),
      );
    }
    if (req.method === 'GET' && url.pathname === '/oidc/jwks')
      return send(res, 200, JSON.stringify(issuer.jwks));
    if (req.method === 'GET' && url.pathname === '/trusted_root.json') {
      return send(res, 200, JSON.stringify(services.trustedRoot));
    }
    const handler = req.method === 'POST' ? services.routes.get(url.pathname) : undefined;
    if (!handler)
      return send(res, 404, JSON.stringify({ message: `no mock for ${req.method} ${host}${url.pathname}` }));
    const result = await handler(await readBody(req));
    return send(res, result.statusCode, result.response, result.contentType ?? 'text/plain');
  }

  const handle = (host: string) => (req: IncomingMessage, res: ServerResponse) => {
    res.on('finish', () =>
      requests.push({ host, method: req.method ?? '', path: req.url ?? '', status: res.statusCode }),
    );
    route(req, res, host).catch((error: unknown) =>
      send(res, 500, JSON.stringify({ message: String(error) })),
    );
  };

  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = createServer(handle('local'));
  server.on('connection', track);
  const tlsServers = new Map<string, TlsServer>();
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const target = req.url ?? '';
    if (!SIGSTORE_HOST.test(target)) {
      // The rig has no internet: refuse anything but Sigstore's hosts.
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const host = target.replace(/:443$/, '').toLowerCase();
    let tlsServer = tlsServers.get(host);
    if (!tlsServer) {
      tlsServer = createTlsServer({ key: tls.key, cert: tls.cert }, handle(host));
      tlsServers.set(host, tlsServer);
    }
    const terminator = tlsServer;
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => {
      if (head.length > 0) socket.unshift(head);
      terminator.emit('connection', socket);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    port,
    proxyUrl: url,
    oidcUrl: `${url}/oidc/token`,
    caCertPath: tls.caCertPath,
    trustedRootPath,
    trustedRoot: services.trustedRoot,
    dir,
    mintIdToken: (claims) => issuer.mint(claims),
    idTokenJwks: issuer.jwks,
    requests,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      for (const tlsServer of tlsServers.values()) tlsServer.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (!options.keepDir) await removeDir(dir);
    },
  };
}
