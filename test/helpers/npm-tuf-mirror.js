// npm's own consumer check, `npm audit signatures`, takes the trusted root and the
// registry's keys from Sigstore's TUF repository (tuf-repo-cdn.sigstore.dev), which
// this machine cannot reach. This serves a TUF repository of our own (signed by
// @tufjs/repo-mock, as npm's own tests do) with the rig's trusted_root.json and
// the rig registry's keys, behind a proxy that terminates TLS for the CDN with the
// rig's *.sigstore.dev certificate; npm's TUF cache is seeded with its root.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { join } from 'node:path';
import { initializeTUFRepo, tufHandlers } from '@tufjs/repo-mock';

const CDN_HOST = 'tuf-repo-cdn.sigstore.dev';

/**
 * Plain JS (typed by npm-tuf-mirror.d.ts) so that bench/audit.mjs runs it too.
 * @param {import('../../packages/testing/dist/index.js').Sigstore} sigstore
 * @param {import('../../packages/testing/dist/index.js').Registry} registry
 * @param {string} workDir
 */
export async function startNpmTufMirror(sigstore, registry, workDir) {
  const host = new URL(registry.url).host;
  const keys = registry.npmKeys.keys.flatMap((k) =>
    ['npm:signatures', 'npm:attestations'].map((keyUsage) => ({
      keyId: k.keyid,
      keyUsage,
      publicKey: {
        rawBytes: k.key,
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2000-01-01T00:00:00.000Z' },
      },
    })),
  );
  const repo = initializeTUFRepo([
    { name: 'trusted_root.json', content: JSON.stringify(sigstore.trustedRoot) },
    { name: `${host}/keys.json`, content: JSON.stringify({ keys }) },
  ]);
  const handlers = new Map(
    tufHandlers(repo, { metadataPathPrefix: '', targetPathPrefix: '/targets' }).map((h) => [h.path, h.fn]),
  );
  /** @type {string[]} */
  const requests = [];
  /** @type {import('node:http').RequestListener} */
  const serve = (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', `https://${CDN_HOST}`).pathname);
    requests.push(`${req.method} ${path}`);
    const answer = handlers.get(path)?.() ?? { statusCode: 404, response: '' };
    res.writeHead(answer.statusCode, { 'content-type': answer.contentType ?? 'application/octet-stream' });
    res.end(answer.response);
  };
  const tls = createTlsServer(
    {
      key: readFileSync(join(sigstore.dir, 'server.key')),
      cert: readFileSync(join(sigstore.dir, 'server.pem')),
    },
    serve,
  );
  /** @type {Set<import('node:net').Socket>} */
  const sockets = new Set();
  const proxy = createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  proxy.on('connect', (req, socket, head) => {
    if (req.url !== `${CDN_HOST}:443`) {
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n', () => {
      if (head.length > 0) socket.unshift(head);
      tls.emit('connection', socket);
    });
  });
  await new Promise((resolve) => proxy.listen(0, '127.0.0.1', () => resolve(undefined)));
  const proxyUrl = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (proxy.address()).port}`;

  const cache = join(workDir, 'npm-cache');
  const tufDir = join(cache, '_tuf', encodeURIComponent(CDN_HOST));
  mkdirSync(join(tufDir, 'targets'), { recursive: true });
  writeFileSync(join(tufDir, 'root.json'), JSON.stringify(repo.rootMeta.toJSON()));
  return {
    env: {
      HTTPS_PROXY: proxyUrl,
      https_proxy: proxyUrl,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      NODE_EXTRA_CA_CERTS: sigstore.caCertPath,
      npm_config_cache: cache,
    },
    requests,
    stop: async () => {
      for (const s of sockets) s.destroy();
      tls.close();
      await new Promise((resolve) => proxy.close(() => resolve(undefined)));
    },
  };
}
