import pLimit, { type LimitFunction } from 'p-limit';
import { ProvenantError, messageOf } from '../errors.js';
import { redact } from '../redact.js';
import { DEFAULT_RETRY, isRetryableStatus, retryDelayMs, type RetryPolicy } from './http-retry.js';
import type { RegistryAuth } from './npm-config.js';
import type { Packument } from './packument.js';

export interface RegistryClientOptions {
  /** Base URL, with or without a path prefix (Artifactory/Nexus style). */
  registry: string;
  auth?: RegistryAuth;
  concurrency?: number;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** Largest body accepted, in bytes; bigger answers are refused, not buffered. */
  maxBodyBytes?: number;
  /**
   * Ask for uncompressed answers (`accept-encoding: identity`). For a workspace's own
   * packuments and attestations (small, read once each): inflating them cost more of
   * the main thread than anything else Provenant does while releasing (~12 ms per
   * package on a 60-package release, measured with --cpu-prof). Default: compressed.
   */
  identity?: boolean;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Called before each retry, e.g. to report rate limiting. */
  onRetry?: (info: { url: string; attempt: number; status: number | null; delayMs: number }) => void;
}

export interface Response2 {
  status: number;
  headers: Headers;
  body: Buffer;
}

const sleepReal = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `@scope/name` → `@scope%2fname`, as the registry expects in paths. */
export function escapePackageName(name: string): string {
  if (!name.startsWith('@')) return encodeURIComponent(name);
  const [scope = '', rest = ''] = name.slice(1).split('/', 2);
  return `@${encodeURIComponent(scope)}%2f${encodeURIComponent(rest)}`;
}

/**
 * A small, careful registry client over Node's fetch (keep-alive by default):
 * per-request timeout (covering the body too), retries with backoff on
 * 429/5xx/network errors honouring `Retry-After`, a concurrency limit, a body
 * size cap, and credentials sent only to the registry's own origin.
 */
export class RegistryClient {
  readonly registry: string;
  private readonly auth: RegistryAuth;
  private readonly limit: LimitFunction;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly maxBodyBytes: number;
  private readonly fetchImpl: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly onRetry: RegistryClientOptions['onRetry'];
  private readonly identity: boolean;

  constructor(options: RegistryClientOptions) {
    this.registry = normalizeRegistryUrl(options.registry);
    this.auth = options.auth ?? { kind: 'none' };
    this.limit = pLimit(Math.max(1, options.concurrency ?? 8));
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.fetchImpl = options.fetch ?? fetch;
    this.sleep = options.sleep ?? sleepReal;
    this.now = options.now ?? Date.now;
    this.onRetry = options.onRetry;
    this.identity = options.identity === true;
  }

  packumentPath(name: string): string {
    return escapePackageName(name);
  }

  /** Resolves a registry-relative path (no leading slash needed) or an absolute URL. */
  resolve(pathOrUrl: string): string {
    if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
    return this.registry + pathOrUrl.replace(/^\/+/, '');
  }

  async getPackument(name: string): Promise<Packument | null> {
    const body = await this.getJson(this.packumentPath(name));
    if (body === null) return null;
    if (typeof body !== 'object' || Array.isArray(body)) {
      throw badResponse(this.resolve(this.packumentPath(name)), 'the packument is not a JSON object');
    }
    return body as Packument;
  }

  /** GET a JSON document; `null` on 404. */
  async getJson(pathOrUrl: string): Promise<unknown> {
    const url = this.resolve(pathOrUrl);
    const res = await this.request(url, { accept: 'application/json' });
    if (res === null) return null;
    try {
      return JSON.parse(res.body.toString('utf8')) as unknown;
    } catch {
      const type = res.headers.get('content-type') ?? 'no content type';
      throw badResponse(url, `the answer is not JSON (${type}, ${res.body.length} bytes)`);
    }
  }

  /** GET raw bytes (a tarball); `null` on 404. `maxBytes` lowers the body size cap for this request. */
  async getBuffer(pathOrUrl: string, options: { maxBytes?: number } = {}): Promise<Buffer | null> {
    const res = await this.request(this.resolve(pathOrUrl), { accept: '*/*', maxBytes: options.maxBytes });
    return res === null ? null : res.body;
  }

  private async request(
    url: string,
    opts: { accept: string; maxBytes?: number | undefined },
  ): Promise<Response2 | null> {
    return this.limit(async () => {
      for (let attempt = 0; ; attempt++) {
        let status: number | null = null;
        let retryAfter: string | null = null;
        let failure: unknown;
        try {
          const res = await this.once(
            url,
            opts.accept,
            Math.min(opts.maxBytes ?? Infinity, this.maxBodyBytes),
          );
          if (res.status === 404) return null;
          if (res.status >= 200 && res.status < 300) return res;
          status = res.status;
          retryAfter = res.headers.get('retry-after');
          if (!isRetryableStatus(res.status)) {
            throw badResponse(url, `HTTP ${res.status}${statusHint(res.status)}`, res.status);
          }
        } catch (error) {
          if (error instanceof ProvenantError) throw error;
          failure = error;
        }
        if (attempt >= this.retry.retries) {
          if (status !== null) throw badResponse(url, `HTTP ${status} after ${attempt + 1} attempts`, status);
          throw new ProvenantError(
            'REGISTRY_UNREACHABLE',
            redact(`Cannot reach ${url}: ${describeNetworkError(failure)} (after ${attempt + 1} attempts)`),
            { hint: 'Check the --registry URL, your network and proxy settings, then run again.' },
          );
        }
        const delayMs = retryDelayMs(this.retry, attempt, retryAfter, this.now());
        this.onRetry?.({ url, attempt: attempt + 1, status, delayMs });
        await this.sleep(delayMs);
      }
    });
  }

  private async once(url: string, accept: string, maxBytes: number): Promise<Response2> {
    const headers: Record<string, string> = { accept, 'user-agent': 'provenant/0.1.0' };
    if (this.identity) headers['accept-encoding'] = 'identity';
    if (this.auth.kind !== 'none' && sameOrigin(url, this.registry)) {
      headers.authorization =
        this.auth.kind === 'token' ? `Bearer ${this.auth.token}` : `Basic ${this.auth.value}`;
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    const res = await this.fetchImpl(url, { headers, signal, redirect: 'follow' });
    const body = await readCapped(res, maxBytes, url);
    return { status: res.status, headers: res.headers, body };
  }
}

async function readCapped(res: Response, max: number, url: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > max) {
    await res.body?.cancel();
    throw badResponse(url, `the answer is ${declared} bytes, more than the ${max}-byte limit`);
  }
  if (!res.body) return Buffer.alloc(0);
  // A declared length within the cap: read it whole (the answer cannot grow past
  // its declared length), which costs the main thread a fraction of iterating the stream.
  if (Number.isFinite(declared)) {
    const whole = Buffer.from(await res.arrayBuffer());
    if (whole.length > max) throw badResponse(url, `the answer is more than the ${max}-byte limit`);
    return whole;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      throw badResponse(url, `the answer is more than the ${max}-byte limit`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function normalizeRegistryUrl(registry: string): string {
  let url: URL;
  try {
    url = new URL(registry);
  } catch {
    throw new ProvenantError('INVALID_REGISTRY_URL', `Not a valid registry URL: ${redact(registry)}`, {
      hint: 'Pass a full URL such as --registry https://registry.npmjs.org/',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ProvenantError(
      'INVALID_REGISTRY_URL',
      `Registry URL must use http or https: ${redact(registry)}`,
      {
        hint: 'Pass a full URL such as --registry https://registry.npmjs.org/',
      },
    );
  }
  url.search = '';
  url.hash = '';
  const text = url.toString();
  return text.endsWith('/') ? text : `${text}/`;
}

function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    return false;
  }
}

/** A registry answer Provenant cannot use; `status` is the HTTP status when there was one. */
export class RegistryResponseError extends ProvenantError {
  readonly status: number | null;

  constructor(url: string, why: string, status: number | null = null) {
    super('REGISTRY_BAD_RESPONSE', redact(`Unexpected answer from ${url}: ${why}`), {
      hint: 'Check that --registry points at an npm registry (not a web page or proxy login).',
    });
    this.status = status;
  }
}

function badResponse(url: string, why: string, status: number | null = null): ProvenantError {
  return new RegistryResponseError(url, why, status);
}

function statusHint(status: number): string {
  if (status === 401) return ' (unauthorized: the token is missing or invalid)';
  if (status === 403) return ' (forbidden: the token lacks access)';
  return '';
}

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return 'timed out';
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    if (cause?.code) return `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
    if (cause?.message) return cause.message;
  }
  return messageOf(error);
}
