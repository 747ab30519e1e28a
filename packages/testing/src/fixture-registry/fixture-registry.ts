// A tiny npm registry over node:http that serves the real attestation fixtures of
// ../shared/fixtures/attestations (read at run time, never copied): packuments,
// attestations documents, tarballs and /-/npm/v1/keys. Several "virtual registries"
// live side by side under path prefixes (`<url><prefix>/`), so one server can serve a
// tampered document under the very name@version it was signed for.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

/** A raw answer: any status, body and content type. */
export interface RawAnswer {
  status?: number;
  body: string | Buffer;
  contentType?: string;
}

export interface FixtureVersion {
  /**
   * The attestations document: a fixture-relative file, a JSON value to serve,
   * a raw answer, or null for a 404 (no attestations at all).
   */
  attestations: string | { json: unknown } | RawAnswer | null;
  /** Fixture-relative tarball; served at dist.tarball, and its sha512 is dist.integrity. */
  tarball?: string;
  /** dist.integrity override (default: the tarball's sha512, else the statement subject digest). */
  integrity?: string;
  /** dist.signatures override; by default the registry-signatures.json case of this name@version, if valid. */
  signatures?: { keyid: string; sig: string }[] | null;
  /** manifest.repository.url */
  repository?: string;
}

/** `name@version` → what to serve for it. */
export type FixtureTable = Record<string, FixtureVersion>;

export interface FixtureRegistryOptions {
  /** ../shared/fixtures/attestations */
  fixturesDir: string;
  /** Path prefix ('' = the root) → table. A prefix is one segment, e.g. `case-3`. */
  registries: Record<string, FixtureTable>;
  /** Exact decoded paths (e.g. `/html/tuf-js`) answered as given, before anything else. */
  routes?: Record<string, RawAnswer>;
}

export interface FixtureRegistry {
  /** Base URL with a trailing slash (the '' registry). */
  url: string;
  /** The base URL of one virtual registry. */
  urlOf(prefix: string): string;
  /** Every request seen, as `METHOD path`. */
  requests: string[];
  stop(): Promise<void>;
}

const sri = (bytes: Buffer) => `sha512-${createHash('sha512').update(bytes).digest('base64')}`;

interface Signed {
  name: string;
  version: string;
  dist: { signatures: { keyid: string; sig: string }[] };
  expect: string;
}

export async function startFixtureRegistry(options: FixtureRegistryOptions): Promise<FixtureRegistry> {
  const dir = options.fixturesDir;
  const read = (rel: string) => readFileSync(path.join(dir, rel));
  const signed = (
    JSON.parse(read('registry/registry-signatures.json').toString('utf8')) as { cases: Signed[] }
  ).cases.filter((c) => c.expect === 'valid');
  const requests: string[] = [];

  const documentOf = (v: FixtureVersion): RawAnswer | null => {
    const a = v.attestations;
    if (a === null) return null;
    if (typeof a === 'string') return { body: read(a), contentType: 'application/json' };
    if ('json' in a) return { body: JSON.stringify(a.json), contentType: 'application/json' };
    return a;
  };
  /** The first statement's subject digest and its log's integrated time, when the document parses. */
  const statementFacts = (v: FixtureVersion): { integrity?: string; time?: string } => {
    try {
      const doc = documentOf(v);
      const parsed = JSON.parse(doc!.body.toString()) as {
        attestations: { bundle: Record<string, any> }[]; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
      const bundle = parsed.attestations[0]!.bundle;
      const payload = bundle.dsseEnvelope.payload as string;
      const statement = JSON.parse(Buffer.from(payload, 'base64').toString('utf8')) as {
        subject: { digest: { sha512: string } }[];
      };
      const seconds = Number(bundle.verificationMaterial?.tlogEntries?.[0]?.integratedTime);
      return {
        integrity: `sha512-${Buffer.from(statement.subject[0]!.digest.sha512, 'hex').toString('base64')}`,
        time: Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : undefined,
      };
    } catch {
      return {};
    }
  };

  const packument = (base: string, prefix: string, table: FixtureTable, name: string) => {
    const versions: Record<string, unknown> = {};
    const time: Record<string, string> = {};
    let latest: string | undefined;
    for (const [spec, v] of Object.entries(table)) {
      const at = spec.lastIndexOf('@');
      if (spec.slice(0, at) !== name) continue;
      const version = spec.slice(at + 1);
      const facts = statementFacts(v);
      const integrity = v.integrity ?? (v.tarball ? sri(read(v.tarball)) : facts.integrity) ?? '';
      const escaped = escape(name);
      const signatures =
        v.signatures === undefined
          ? signed.find((c) => c.name === name && c.version === version)?.dist.signatures
          : (v.signatures ?? undefined);
      const attestationsUrl = `${base}${prefixPath(prefix)}-/npm/v1/attestations/${escaped}@${version}`;
      versions[version] = {
        name,
        version,
        ...(v.repository ? { repository: { type: 'git', url: v.repository } } : {}),
        dist: {
          integrity,
          tarball: `${base}${prefixPath(prefix)}${escaped}/-/${name.split('/').pop()}-${version}.tgz`,
          ...(v.attestations === null
            ? {}
            : {
                attestations: {
                  url: attestationsUrl,
                  provenance: { predicateType: 'https://slsa.dev/provenance/v1' },
                },
              }),
          ...(signatures ? { signatures } : {}),
        },
      };
      time[version] = facts.time ?? '2024-01-01T00:00:00.000Z';
      latest = version;
    }
    if (!latest) return null;
    return { name, 'dist-tags': { latest }, versions, time };
  };

  const handle = (req: IncomingMessage, res: ServerResponse, base: string): void => {
    const url = new URL(req.url ?? '/', base);
    requests.push(`${req.method} ${url.pathname}`);
    const send = (a: RawAnswer | null) => {
      if (!a) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
        return;
      }
      const body = typeof a.body === 'string' ? Buffer.from(a.body) : a.body;
      res.writeHead(a.status ?? 200, {
        'content-type': a.contentType ?? 'application/json',
        'content-length': body.length,
      });
      res.end(body);
    };
    // `/<prefix>/rest` when the first segment names a virtual registry, else the root one.
    const segments = url.pathname.split('/');
    const prefix = segments[1] && Object.hasOwn(options.registries, segments[1]) ? segments[1] : '';
    const rest = decodeURIComponent(prefix ? url.pathname.slice(prefix.length + 1) : url.pathname);
    const table = options.registries[prefix];
    const route = options.routes?.[decodeURIComponent(url.pathname)];
    if (route) return send(route);
    if (!table || req.method !== 'GET') return send(null);
    if (rest === '/-/npm/v1/keys') return send({ body: read('trust/npm-v1-keys.corepack.json') });
    const attestations = /^\/-\/npm\/v1\/attestations\/(.+)@([^@/]+)$/.exec(rest);
    if (attestations) {
      const v = table[`${attestations[1]}@${attestations[2]}`];
      return send(v ? documentOf(v) : null);
    }
    const tarball = /^\/(.+)\/-\/[^/]+-([^/]+)\.tgz$/.exec(rest);
    if (tarball) {
      const v = table[`${tarball[1]}@${tarball[2]}`];
      return send(v?.tarball ? { body: read(v.tarball), contentType: 'application/octet-stream' } : null);
    }
    const doc = packument(base, prefix, table, rest.slice(1));
    return send(doc ? { body: JSON.stringify(doc) } : null);
  };

  let base = '';
  const server = createServer((req, res) => {
    try {
      handle(req, res, base);
    } catch (error) {
      res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url: base,
    urlOf: (prefix) => `${base}${prefixPath(prefix)}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const prefixPath = (prefix: string) => (prefix ? `${prefix}/` : '');
const escape = (name: string) => (name.startsWith('@') ? name.replace('/', '%2f') : name);

/** The real packages of the fixtures, each with its valid attestations document and tarball. */
export const FIXTURE_PACKAGES = {
  'gundam-visor@1.0.1': {
    attestations: 'slsa-verifier/cli-npm-gha/gundam-visor-cli-v1-tag.tgz.json',
    tarball: 'slsa-verifier/cli-npm-gha/gundam-visor-cli-v1-tag.tgz',
  },
  '@laurentsimon/provenance-npm-test@1.0.0': {
    attestations: 'slsa-verifier/gha-testdata/npm-attestations.json',
  },
  '@laurentsimon/provenance-npm-test@1.0.3': {
    attestations: 'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v02-prega.tgz.json',
    tarball: 'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v02-prega.tgz',
  },
  '@laurentsimon/provenance-npm-test@1.0.5': {
    attestations: 'slsa-verifier/cli-npm-gha/provenance-npm-test-ossf.tgz.json',
    tarball: 'slsa-verifier/cli-npm-gha/provenance-npm-test-ossf.tgz',
  },
  'sigstore@2.3.1': {
    attestations: 'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v1-prega.tgz.json',
    tarball: 'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v1-prega.tgz',
  },
  '@trishankatdatadog/supreme-goggles@1.0.5': {
    attestations: 'slsa-verifier/cli-npm-gha/supreme-googles-cli-v02-tag.tgz.json',
    tarball: 'slsa-verifier/cli-npm-gha/supreme-googles-cli-v02-tag.tgz',
  },
  'sigstore@1.0.0': { attestations: 'npm-cli/valid-sigstore-attestations.json' },
  'tuf-js@1.0.0': { attestations: 'npm-cli/valid-tuf-js-attestations.json' },
  '@playwright/cli@0.1.1': {
    attestations: 'sigstore-dotnet/playwright-cli-0.1.1-attestations.json',
    tarball: 'sigstore-dotnet/playwright-cli-0.1.1.tgz',
  },
} as const satisfies FixtureTable;
