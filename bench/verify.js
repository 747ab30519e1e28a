#!/usr/bin/env node
/**
 * Benchmark (issue 3, "Performance"): verify 200 versions offline from a local
 * registry with the default concurrency, next to a bare loop of
 * @sigstore/verify over the same bundles in the same run.
 *
 *   npx tsc -b packages/core && node bench/verify.js [--versions 200] [--concurrency 4]
 *
 * The registry runs in a child process so that the CPU time measured here is
 * the verifier's only. Fixtures come from ../shared/fixtures/attestations.
 */
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const FIXTURES = path.resolve(repoRoot, '../shared/fixtures/attestations');

/** The real, valid attestations documents of the fixture README. */
const VALID = [
  'slsa-verifier/cli-npm-gha/gundam-visor-cli-v1-tag.tgz.json',
  'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v02-prega.tgz.json',
  'slsa-verifier/cli-npm-gha/provenance-npm-test-cli-v1-prega.tgz.json',
  'slsa-verifier/cli-npm-gha/provenance-npm-test-ossf.tgz.json',
  'slsa-verifier/cli-npm-gha/supreme-googles-cli-v02-tag.tgz.json',
  'slsa-verifier/gha-testdata/npm-attestations.json',
  'npm-cli/valid-sigstore-attestations.json',
  'npm-cli/valid-tuf-js-attestations.json',
  'sigstore-dotnet/playwright-cli-0.1.1-attestations.json',
];

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};

/** One registry entry per fixture: name, version, integrity from the signed subject. */
function loadFixtures() {
  return VALID.map((rel) => {
    const text = readFileSync(path.join(FIXTURES, rel), 'utf8');
    const doc = JSON.parse(text);
    const statement = JSON.parse(
      Buffer.from(doc.attestations[0].bundle.dsseEnvelope.payload, 'base64').toString(),
    );
    const purl = decodeURIComponent(statement.subject[0].name).slice('pkg:npm/'.length);
    const at = purl.lastIndexOf('@');
    return {
      name: purl.slice(0, at),
      version: purl.slice(at + 1),
      integrity: `sha512-${Buffer.from(statement.subject[0].digest.sha512, 'hex').toString('base64')}`,
      text,
      doc,
    };
  });
}

const escapeName = (name) =>
  name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name);

/** Child process: a minimal npm registry serving the fixtures (packuments + attestations). */
function serve() {
  const routes = new Map();
  const packuments = new Map();
  for (const f of loadFixtures()) {
    const packument = packuments.get(f.name) ?? {
      name: f.name,
      'dist-tags': { latest: f.version },
      versions: {},
    };
    packument.versions[f.version] = {
      name: f.name,
      version: f.version,
      dist: { integrity: f.integrity, tarball: `/x.tgz` },
    };
    packuments.set(f.name, packument);
    routes.set(`/-/npm/v1/attestations/${escapeName(f.name)}@${f.version}`, f.text);
  }
  for (const [name, packument] of packuments) routes.set(`/${escapeName(name)}`, JSON.stringify(packument));
  const server = createServer((req, res) => {
    const body = routes.get(req.url.replace(/%2f/gi, '%2F'));
    if (body === undefined && process.env.BENCH_DEBUG) console.error('404', req.url);
    if (body === undefined) return res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
}

async function main() {
  if (!existsSync(path.join(FIXTURES, 'README.md'))) {
    console.error(`bench/verify: ${FIXTURES} is absent; clone ../shared next to the repo. Skipped.`);
    return;
  }
  const core = await import(path.join(repoRoot, 'packages/core/dist/index.js'));
  const require = createRequire(path.join(repoRoot, 'packages/core/package.json'));
  const { bundleFromJSON } = require('@sigstore/bundle');
  const { Verifier, toSignedEntity } = require('@sigstore/verify');

  const total = option('--versions', 200);
  const concurrency = option('--concurrency', 4);
  const fixtures = loadFixtures();
  const specs = Array.from({ length: total }, (_, i) => fixtures[i % fixtures.length]).map(
    (f) => `${f.name}@${f.version}`,
  );

  const child = fork(fileURLToPath(import.meta.url), ['--serve'], { stdio: 'inherit' });
  const port = await new Promise((resolve) => child.once('message', (m) => resolve(m.port)));
  try {
    const trust = await core.loadEmbeddedTrust();
    const client = new core.RegistryClient({ registry: `http://127.0.0.1:${port}/`, concurrency: 16 });

    // The bare loop: only Sigstore's verification, over the already-parsed documents.
    const verifier = new Verifier(trust.material);
    const bare = () => {
      for (let i = 0; i < total; i++) {
        for (const a of fixtures[i % fixtures.length].doc.attestations)
          verifier.verify(toSignedEntity(bundleFromJSON(a.bundle)));
      }
    };
    const provenant = () =>
      core.verifyPackages(specs, { trust: { mode: 'offline' }, concurrency }, { client, trust });
    const oneThread = () =>
      core.verifyPackages(specs, { trust: { mode: 'offline' }, concurrency, threads: 0 }, { client, trust });

    // Warm up both (JIT, keep-alive sockets), then measure.
    bare();
    const warm = await provenant();
    const failed = warm.filter((r) => r.status !== 'verified');
    if (failed.length > 0) throw new Error(`not verified: ${JSON.stringify(failed[0])}`);

    await oneThread();
    const bareRun = measure(bare);
    const provRun = await measureAsync(provenant);
    const oneRun = await measureAsync(oneThread);
    const result = {
      versions: total,
      concurrency,
      cores: (await import('node:os')).availableParallelism(),
      provenant: {
        wallMs: round(provRun.wallMs),
        versionsPerSecond: round((total * 1000) / provRun.wallMs),
        cpuMsPerVersion: round(provRun.cpuMs / total, 2),
      },
      provenantOneThread: {
        wallMs: round(oneRun.wallMs),
        versionsPerSecond: round((total * 1000) / oneRun.wallMs),
        cpuMsPerVersion: round(oneRun.cpuMs / total, 2),
      },
      bareSigstoreVerify: {
        wallMs: round(bareRun.wallMs),
        versionsPerSecond: round((total * 1000) / bareRun.wallMs),
        cpuMsPerVersion: round(bareRun.cpuMs / total, 2),
      },
      cpuRatio: round(provRun.cpuMs / bareRun.cpuMs, 2),
      load: (await import('node:os')).loadavg().map((l) => round(l)),
      targets: { versionsPerSecond: '>= 90', cpuRatio: '<= 2' },
    };
    console.log(JSON.stringify(result, null, 2));
    console.log(
      `provenant: ${result.provenant.versionsPerSecond} versions/s, ${result.provenant.cpuMsPerVersion} CPU ms/version | ` +
        `one thread: ${result.provenantOneThread.versionsPerSecond} versions/s, ${result.provenantOneThread.cpuMsPerVersion} CPU ms/version | ` +
        `bare @sigstore/verify: ${result.bareSigstoreVerify.versionsPerSecond} versions/s, ${result.bareSigstoreVerify.cpuMsPerVersion} CPU ms/version | CPU ratio ${result.cpuRatio}× | load ${result.load.join(' ')}`,
    );
  } finally {
    child.kill();
  }
}

function measure(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  return { wallMs: performance.now() - t0, cpuMs: cpuMsSince(cpu0) };
}

async function measureAsync(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  return { wallMs: performance.now() - t0, cpuMs: cpuMsSince(cpu0) };
}

function cpuMsSince(start) {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

const round = (n, digits = 1) => Number(n.toFixed(digits));

if (args.includes('--serve')) serve();
else
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
