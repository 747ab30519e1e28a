#!/usr/bin/env node
/**
 * Benchmark (issues 4 and 11): publish a generated monorepo in a 3-level
 * dependency DAG to a fresh local Verdaccio (with attestations) under a
 * simulated GitHub Actions job signing through the local Sigstore — with each
 * publisher's own monorepo command and with `provenant release` (npm
 * publisher, verification included; default flags and a tuned variant), each
 * on a fresh rig, in one run, for two network profiles:
 *   - loopback (60 packages): every answer in a millisecond, the CPU is the bottleneck;
 *   - wan (40 packages): PROVENANT_RIG_LATENCY=get=60,put=1500,sigstore=400,oidc=150,
 *     what a GitHub-hosted runner sees from registry.npmjs.org and public Sigstore.
 *
 *   npx tsc -b packages/core packages/cli packages/testing && node bench/release.js \
 *     [--profiles loopback,wan] [--packages N] [--only npm-workspaces,provenant,...] \
 *     [--tuned-loopback "--concurrency 2"] [--tuned-wan "--concurrency 16"] [--cpu-prof out.cpuprofile]
 *
 * Reports wall time per run, the ratios the issues set targets for, and
 * Provenant's own CPU per package: `provenant release` runs in this process
 * (through the CLI's `main`), so `process.cpuUsage()` counts Provenant alone;
 * the registry, Sigstore and publisher processes are children.
 */
import { execFileSync, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import { setInterval, clearInterval } from 'node:timers';
import {
  cleanEnv,
  githubActionsEnv,
  makeTempDir,
  makeWorkspace,
  removeDir,
  startRegistry,
  startSigstore,
  toolPathEnv,
  toolVersions,
  writeNpmrc,
} from '../packages/testing/dist/index.js';
import { nodeContext } from '../packages/core/dist/index.js';
import { main } from '../packages/cli/dist/main.js';
import { scenarios } from './release-scenarios.js';
import { machineCpu, mainThreadCpuMs } from './cpu-clock.js';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const PROFILES = {
  loopback: { packages: 60, latency: '', tuned: option('--tuned-loopback', '--concurrency 2') },
  wan: {
    packages: 40,
    latency: 'get=60,put=1500,sigstore=400,oidc=150',
    tuned: option('--tuned-wan', '--concurrency 16'),
  },
};
const RUN_PROFILES = option('--profiles', 'loopback,wan').split(',');
const PACKAGES = option('--packages', null);
const DEFAULT_SET = [
  'npm-workspaces',
  'npm-split-2',
  'npm-split-3',
  'changesets',
  'pnpm-recursive',
  'provenant',
  'provenant-tuned',
];
const ONLY = option('--only', null)?.split(',') ?? DEFAULT_SET;
const CONCURRENCY = option('--concurrency', null);
const TRACE = args.includes('--trace');
const PROFILE = option('--cpu-prof', null);
let COUNT = 0;
let TUNED = [];
const REPOSITORY = 'https://github.com/acme/widgets';

let sigstore;
const temp = [];

function signingEnv(extra = {}) {
  return {
    ...toolPathEnv(cleanEnv()),
    ...githubActionsEnv({ sigstore, repository: 'acme/widgets', workflow: '.github/workflows/release.yml' }),
    ...extra,
  };
}

async function fixture(registry, spec) {
  const dir = await makeTempDir('bench-release');
  temp.push(dir);
  await makeWorkspace(dir, { repository: REPOSITORY, ...spec });
  await writeNpmrc(dir, registry);
  return dir;
}

/** Runs `provenant release` in this process (its CPU measured alone). */
async function provenantRelease({ dir, registry }, extraArgs = []) {
  const out = new PassThrough();
  let stdout = '';
  out.on('data', (d) => (stdout += d));
  const err = new PassThrough();
  const t0 = performance.now();
  let main0 = mainThreadCpuMs();
  err.on('data', (d) => {
    if (TRACE) {
      for (const line of String(d).split('\n')) {
        if (line && !line.startsWith('::'))
          console.error(
            `${((performance.now() - t0) / 1000).toFixed(2)}s ${(mainThreadCpuMs() - main0).toFixed(0).padStart(5)}ms ${line.slice(0, 160)}`,
          );
      }
    }
  });
  const env = signingEnv();
  // publisher detection runs `<bin> --version` on process.env's PATH: give it the rig's tools
  process.env.PATH = env.PATH;
  const session = PROFILE ? new (await import('node:inspector')).Session() : null;
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
  if (session) {
    session.connect();
    await post('Profiler.enable');
    await post('Profiler.start');
  }
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 1000);
  main0 = mainThreadCpuMs();
  const cpu = process.cpuUsage();
  const code = await main(
    [
      'release',
      '--json',
      '--trusted-root',
      sigstore.trustedRootPath,
      '--npm-keys',
      registry.npmKeysPath,
      ...(CONCURRENCY ? ['--concurrency', CONCURRENCY] : []),
      ...extraArgs,
    ],
    { streams: { stdout: out, stderr: err }, ctx: nodeContext({ cwd: dir, env }), handleSignals: false },
  );
  const used = process.cpuUsage(cpu);
  const mainMs = mainThreadCpuMs() - main0;
  clearInterval(sampler);
  if (session) {
    const { profile } = await post('Profiler.stop');
    (await import('node:fs')).writeFileSync(PROFILE, JSON.stringify(profile));
    session.disconnect();
  }
  const report = JSON.parse(stdout);
  if (code !== 0) {
    const bad = report.packages.filter((p) => p.status !== 'verified');
    const why = bad.map(
      (p) => `${p.name} ${p.status} ${p.problems.map((x) => `${x.code}: ${x.message}`).join(' | ')}`,
    );
    const envWhy = report.environment.problems.map((x) => `${x.code}: ${x.message}`);
    throw new Error(`provenant release exited ${code}:\n${[...envWhy, ...why].join('\n')}`);
  }
  const verified = report.packages.filter((p) => p.status === 'verified').length;
  if (verified !== COUNT) throw new Error(`only ${verified}/${COUNT} verified`);
  return {
    cpuMs: (used.user + used.system) / 1000,
    mainThreadCpuMs: mainMs,
    peakRssMb: Math.round(peakRss / 2 ** 20),
  };
}

const SCENARIOS = scenarios({
  count: () => COUNT,
  signingEnv,
  fixture,
  provenantRelease,
  tuned: () => TUNED,
});

/**
 * The local Sigstore runs in a child process: its CPU (Fulcio, Rekor, the TLS
 * proxy, for every publisher process) must not count as Provenant's.
 */
async function startSigstoreChild() {
  const child = fork(fileURLToPath(import.meta.url), ['--sigstore-child'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const endpoints = await new Promise((resolve, reject) => {
    child.once('message', resolve);
    child.once('exit', (code) => reject(new Error(`sigstore child exited ${code}`)));
  });
  return {
    ...endpoints,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.send('stop');
      }),
  };
}

if (args[0] === '--sigstore-child') {
  const s = await startSigstore();
  const { url, proxyUrl, oidcUrl, caCertPath, trustedRootPath } = s;
  process.send({ url, proxyUrl, oidcUrl, caCertPath, trustedRootPath });
  process.on('message', async () => {
    await s.stop();
    process.exit(0);
  });
  // a bench that crashed must not leave its Sigstore behind
  process.on('disconnect', () => process.exit(0));
} else {
  await main_();
}

async function main_() {
  const versions = `node ${process.version}, npm ${execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim()}, pnpm ${toolVersions().pnpm}, yarn ${toolVersions().yarn}, changesets ${toolVersions().changesets}`;
  const all = {};
  try {
    for (const name of RUN_PROFILES) {
      const profile = PROFILES[name];
      if (!profile) throw new Error(`unknown profile ${name} (loopback, wan)`);
      COUNT = Number(PACKAGES ?? profile.packages);
      TUNED = profile.tuned.split(' ').filter(Boolean);
      all[name] = await runProfile(name, profile);
      printProfile(name, profile, all[name], versions);
    }
  } finally {
    await Promise.all(temp.map((d) => removeDir(d)));
  }
  console.log(`\n${JSON.stringify({ profiles: all })}`);
}

/** Every scenario of one profile, each on a fresh registry and a fresh Sigstore. */
async function runProfile(name, profile) {
  // the registry child and the Sigstore child read it at start
  process.env.PROVENANT_RIG_LATENCY = profile.latency;
  const results = {};
  for (const [key, scenario] of Object.entries(SCENARIOS)) {
    if (!ONLY.includes(key) || (scenario.onlyIn && !scenario.onlyIn.includes(name))) continue;
    sigstore = await startSigstoreChild();
    const registry = await startRegistry({ rekorUrl: sigstore.url, startTimeoutMs: 120_000 });
    try {
      const state = await scenario.prepare(registry);
      const started = performance.now();
      const cpu0 = machineCpu();
      const extra = (await scenario.publish(state)) ?? {};
      const wallMs = Math.round(performance.now() - started);
      const busyMs = machineCpu().busyMs - cpu0.busyMs;
      results[key] = { label: scenario.label, wallMs, machineBusyMs: busyMs, ...extra };
      console.error(`[${name}] ${scenario.label}: ${(results[key].wallMs / 1000).toFixed(1)} s`);
    } finally {
      await registry.stop();
      await sigstore.stop();
    }
  }
  delete process.env.PROVENANT_RIG_LATENCY;
  return { packages: COUNT, latency: profile.latency || 'none', tuned: TUNED.join(' '), results };
}

function printProfile(name, profile, { results }, versions) {
  const { loadavg, cpus } = os;
  console.log(
    `\n[${name}] ${COUNT} packages, 3-level DAG, provenance on, fresh rig per run, latency ${profile.latency || 'none'}, ${cpus().length} CPUs (load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}), ${versions}\n`,
  );
  for (const r of Object.values(results))
    console.log(
      `  ${r.label.padEnd(48)} ${(r.wallMs / 1000).toFixed(1).padStart(6)} s   machine CPU ${(r.machineBusyMs / 1000).toFixed(1).padStart(6)} s (${(r.machineBusyMs / r.wallMs).toFixed(2)} cores busy)`,
    );
  const targets =
    name === 'wan'
      ? { 'npm-workspaces': '≤ 0.25', changesets: '≤ 0.8', 'pnpm-recursive': '' }
      : { 'npm-workspaces': '≤ 0.9', 'pnpm-recursive': '≤ 0.4', changesets: '' };
  const anchor = results['npm-workspaces'];
  const floors = ['npm-split-2', 'npm-split-3'].filter((k) => results[k]);
  if (anchor && floors.length > 0) console.log('');
  for (const key of anchor ? floors : []) {
    const ratio = (results[key].wallMs / anchor.wallMs).toFixed(2);
    console.log(`  ${results[key].label} / ${anchor.label}`.padEnd(80) + `${ratio}  (no target: a floor)`);
  }
  for (const mine of ['provenant', 'provenant-tuned']) {
    const p = results[mine];
    if (!p) continue;
    console.log('');
    for (const [theirs, target] of Object.entries(targets)) {
      if (!results[theirs]) continue;
      const ratio = (p.wallMs / results[theirs].wallMs).toFixed(2);
      console.log(
        `  ${p.label} / ${results[theirs].label}`.padEnd(80) + `${ratio}  ${target && `(target ${target})`}`,
      );
    }
    console.log(
      `  ${p.label}: own CPU ${p.cpuMs.toFixed(0)} ms = ${(p.cpuMs / COUNT).toFixed(1)} ms/package, of which the main thread (orchestration) ${(p.mainThreadCpuMs / COUNT).toFixed(1)} ms/package (target ≤ 10) and verification threads the rest; peak RSS ${p.peakRssMb} MB`,
    );
  }
}
