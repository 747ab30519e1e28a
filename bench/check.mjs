#!/usr/bin/env node
/**
 * Benchmark (issue 2, "Performance"): `provenant check` over a synthetic pnpm
 * monorepo of N packages with a seeded random dependency DAG, half of them
 * already published on a local registry (a small node:http server answering
 * packuments, in its own process so it does not share our CPU).
 *
 *   npx tsc -b packages/core packages/cli && node bench/check.mjs [--sizes 100,1000] [--runs 3] [--seed 42]
 *
 * Prints, per N: the wall time of the whole CLI process (`provenant check
 * --json`, when the CLI has the command) and of `checkWorkspace` in-process,
 * best of --runs, and the ratio between sizes. Target: N=1000 under 3 s wall
 * on 2 cores, growing linearly. Registry start-up is excluded.
 */
import { execFile, fork } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** mulberry32: a tiny seeded PRNG, so every run builds the same monorepo. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nameOf = (i) => (i % 3 === 0 ? `@bench/pkg-${i}` : `bench-pkg-${i}`);

/** Writes the monorepo; returns the names published on the registry (every other package). */
function generate(root, n, seed) {
  const random = prng(seed);
  const repo = 'https://github.com/bench/monorepo';
  writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'bench-root', private: true, packageManager: 'pnpm@9.15.9' }),
  );
  writeFileSync(path.join(root, 'pnpm-workspace.yaml'), "packages:\n  - 'packages/*'\n");
  mkdirSync(path.join(root, '.git'));
  const published = [];
  for (let i = 0; i < n; i++) {
    const deps = {};
    // Edges only to lower indices: a DAG. Up to 4 dependencies each.
    const count = i === 0 ? 0 : Math.floor(random() * 5);
    for (let k = 0; k < count; k++) deps[nameOf(Math.floor(random() * i))] = 'workspace:^';
    const dir = path.join(root, 'packages', `pkg-${i}`);
    mkdirSync(dir, { recursive: true });
    const manifest = {
      name: nameOf(i),
      version: '1.0.0',
      repository: { type: 'git', url: repo, directory: `packages/pkg-${i}` },
      publishConfig: { access: 'public' },
      dependencies: deps,
    };
    if (i % 50 === 49) manifest.private = true;
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
    if (i % 2 === 0 && !manifest.private) published.push(manifest.name);
  }
  return published;
}

/** Child process: serve packuments for the published names, 404 otherwise. */
function serveRegistry() {
  let published = new Set();
  const server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? '/').slice(1));
    if (!published.has(name)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
      return;
    }
    const versions = {};
    for (const v of ['0.9.0', '1.0.0']) {
      versions[v] = {
        name,
        version: v,
        dist: {
          integrity: 'sha512-' + 'A'.repeat(86) + '==',
          tarball: `http://127.0.0.1/${name}/-/${v}.tgz`,
        },
        repository: { type: 'git', url: 'https://github.com/bench/monorepo' },
      };
    }
    const body = JSON.stringify({
      name,
      'dist-tags': { latest: '1.0.0' },
      versions,
      time: { '1.0.0': new Date(0).toISOString() },
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(body);
  });
  process.on('message', (msg) => {
    published = new Set(msg.published);
    process.send?.({ ok: true });
  });
  server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
}

function run(file, args, env) {
  return new Promise((resolve) => {
    execFile(file, args, { env, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function main() {
  if (process.argv.includes('--serve')) return serveRegistry();
  const sizes = arg('sizes', '100,1000').split(',').map(Number);
  const runs = Number(arg('runs', '3'));
  const seed = Number(arg('seed', '42'));
  const core = await import(pathToFileURL(path.join(repoRoot, 'packages/core/dist/index.js')).href);
  const cliBin = path.join(repoRoot, 'packages/cli/bin/provenant.js');

  const registry = fork(fileURLToPath(import.meta.url), ['--serve'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise((resolve) => registry.once('message', (m) => resolve(m.port)));
  const registryUrl = `http://127.0.0.1:${port}/`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GITHUB_ACTIONS: 'true',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'bench/monorepo',
    RUNNER_ENVIRONMENT: 'github-hosted',
    ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:1/token',
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'bench',
    [`npm_config_//127.0.0.1:${port}/:_authToken`]: 'bench-token',
    NO_COLOR: '1',
  };

  const results = [];
  const cliHasCheck =
    existsSync(cliBin) && (await run(process.execPath, [cliBin, 'check', '--help'], env)).code === 0;
  try {
    for (const n of sizes) {
      const root = mkdtempSync(path.join(tmpdir(), `provenant-bench-${n}-`));
      try {
        const published = generate(root, n, seed);
        await new Promise((resolve) => {
          registry.once('message', resolve);
          registry.send({ published });
        });
        const ctx = core.nodeContext({ env });
        let inProcess = Infinity;
        let summary = '';
        for (let r = 0; r < runs; r++) {
          const t0 = performance.now();
          const result = await core.checkWorkspace({ cwd: root, registry: registryUrl }, ctx);
          inProcess = Math.min(inProcess, performance.now() - t0);
          const count = (s) => result.packages.filter((p) => p.status === s).length;
          summary = `ready ${count('ready')}, skipped ${count('skipped')}, blocked ${count('blocked')}`;
        }
        let cli = null;
        if (cliHasCheck) {
          cli = Infinity;
          for (let r = 0; r < runs; r++) {
            const t0 = performance.now();
            const out = await run(
              process.execPath,
              [cliBin, 'check', '--cwd', root, '--registry', registryUrl, '--json'],
              env,
            );
            cli = Math.min(cli, performance.now() - t0);
            if (out.code !== 0 && out.code !== 1)
              throw new Error(`provenant check exited ${out.code}: ${out.stderr.slice(0, 500)}`);
          }
        }
        results.push({ n, inProcess, cli, summary });
        console.log(
          `N=${String(n).padStart(5)}  checkWorkspace ${inProcess.toFixed(0).padStart(6)} ms` +
            (cli === null ? '' : `   provenant check (whole process) ${cli.toFixed(0).padStart(6)} ms`) +
            `   (${summary})`,
        );
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    }
  } finally {
    registry.kill();
  }
  if (!cliHasCheck) console.log('(the CLI has no `check` command yet: only the in-process time is measured)');
  for (let i = 1; i < results.length; i++) {
    const a = results[i - 1];
    const b = results[i];
    const sizeRatio = b.n / a.n;
    const line = [
      `N ${a.n}→${b.n} (×${sizeRatio}):`,
      `checkWorkspace ×${(b.inProcess / a.inProcess).toFixed(2)}`,
    ];
    if (a.cli !== null && b.cli !== null) line.push(`whole process ×${(b.cli / a.cli).toFixed(2)}`);
    console.log(line.join('  '));
  }
}

await main();
