// A fault-injecting HTTP proxy for the local registry: it sits between Provenant (and the
// publishers it runs) and Verdaccio, and injects 429s, 5xxs, resets, latency and truncated
// answers at a given rate, deterministically from a seed. It counts what it injected.
// Loopback only: it listens on 127.0.0.1 and forwards only to a loopback upstream.
import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  FAULT_KINDS,
  WRITE_SAFE_KINDS,
  decideFault,
  isFailure,
  seededUnit,
  type FaultKind,
} from './decide.js';
import type { FaultProxy, FaultProxyOptions, FaultStats, InjectedFault, UpstreamAnswer } from './types.js';

export type { FaultProxy, FaultProxyOptions, FaultStats, InjectedFault, UpstreamAnswer } from './types.js';

const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE', 'PATCH']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || h === '::ffff:127.0.0.1';
}

function emptyStats(): FaultStats {
  return {
    requests: 0,
    faulted: 0,
    byKind: Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>,
    byMethod: {},
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const upstream = new URL(options.target);
  if (upstream.protocol !== 'http:' || !isLoopbackHost(upstream.hostname)) {
    throw new Error(`fault proxy forwards only to plain-HTTP loopback addresses, not ${options.target}`);
  }
  const rate = options.rate ?? 0.2;
  const maxConsecutive = options.maxConsecutive ?? 2;
  const retryAfter = options.retryAfterSeconds ?? 1;
  const [latencyMin, latencyMax] = options.latencyMs ?? [200, 1500];
  const weightOf = (k: FaultKind) => options.weights?.[k] ?? (options.weights ? 0 : 1);
  const readKinds = FAULT_KINDS.map((k) => [k, weightOf(k)] as const).filter(([, w]) => w > 0);
  const writeAllowed = new Set(options.writeKinds ?? WRITE_SAFE_KINDS);
  const writeKinds = readKinds.filter(([k]) => writeAllowed.has(k));
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });

  let enabled = true;
  const stats = emptyStats();
  const log: InjectedFault[] = [];
  const answers: UpstreamAnswer[] = [];
  const seen = new Map<string, number>();
  const streak = new Map<string, number>();
  const sockets = new Set<Socket>();
  let packagePuts = 0;

  const choose = (method: string, path: string): FaultKind | null => {
    const key = `${method} ${path}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    if (!enabled || (options.match && !options.match(method, path))) return null;
    if (method === 'PUT' && !path.startsWith('/-/') && options.resetAfterStorePuts) {
      packagePuts += 1;
      if (options.resetAfterStorePuts.includes(packagePuts)) return 'reset-after';
    }
    let kind = decideFault({
      seed: options.seed,
      key,
      occurrence,
      rate,
      kinds: WRITE_METHODS.has(method) ? writeKinds : readKinds,
    });
    // Transient means transient: a key that failed maxConsecutive times in a row passes.
    if (kind && isFailure(kind) && (streak.get(key) ?? 0) >= maxConsecutive) kind = null;
    streak.set(key, kind && isFailure(kind) ? (streak.get(key) ?? 0) + 1 : 0);
    return kind;
  };

  const count = (method: string, path: string, kind: FaultKind | null) => {
    stats.requests += 1;
    const m = (stats.byMethod[method] ??= { requests: 0, faulted: 0 });
    m.requests += 1;
    if (!kind) return;
    stats.faulted += 1;
    m.faulted += 1;
    stats.byKind[kind] += 1;
    log.push({ method, path, kind });
  };

  const forward = (
    req: IncomingMessage,
    fault: FaultKind | null,
    onResponse: (res: IncomingMessage) => void,
    onError: (error: Error) => void,
  ) => {
    const headers: IncomingHttpHeaders = { ...req.headers };
    const up = httpRequest(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers,
        agent,
      },
      (res) => {
        answers.push({
          method: req.method ?? 'GET',
          path: req.url ?? '/',
          status: res.statusCode ?? 0,
          fault,
        });
        onResponse(res);
      },
    );
    up.on('error', onError);
    req.pipe(up);
  };

  const readAll = (res: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });

  const badGateway = (res: ServerResponse) => (error: Error) => {
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `fault proxy: upstream failed: ${error.message}` }));
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    if (!isLoopbackHost(req.socket.remoteAddress ?? '')) {
      req.socket.destroy();
      return;
    }
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const kind = choose(method, path);
    count(method, path, kind);
    const plain = () => {
      if (options.intercept?.(req, res)) return;
      forward(
        req,
        kind,
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
        badGateway(res),
      );
    };
    switch (kind) {
      case null:
        return plain();
      case 'latency': {
        const delay =
          latencyMin + seededUnit(options.seed, 'delay', path, stats.requests) * (latencyMax - latencyMin);
        setTimeout(plain, Math.round(delay));
        return;
      }
      case 'rate-limit':
      case 'server-error':
      case 'unavailable': {
        const status = kind === 'rate-limit' ? 429 : kind === 'server-error' ? 500 : 503;
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (kind !== 'server-error') headers['retry-after'] = String(retryAfter);
        req.resume();
        res.writeHead(status, headers);
        res.end(JSON.stringify({ error: `fault proxy: injected ${status}` }));
        return;
      }
      case 'reset':
        req.socket.destroy();
        return;
      case 'reset-after':
      case 'truncate':
        forward(
          req,
          kind,
          (up) => {
            void readAll(up).then(
              (body) => {
                const noBody = body.length < 2 || method === 'HEAD' || up.statusCode === 304;
                if (kind === 'reset-after' || noBody) {
                  req.socket.destroy();
                  return;
                }
                const headers = { ...up.headers, 'content-length': String(body.length) };
                delete headers['transfer-encoding'];
                res.writeHead(up.statusCode ?? 200, headers);
                res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
              },
              () => req.socket.destroy(),
            );
          },
          badGateway(res),
        );
        return;
    }
  };

  const server = createServer(handle);
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    stats: () => structuredClone(stats),
    injected: () => [...log],
    forwarded: () => [...answers],
    setEnabled(value) {
      enabled = value;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
