#!/usr/bin/env node
/**
 * Benchmark (issue 12, "Performance"): `provenant audit` of an installed tree of
 * N package versions on the local rig (Verdaccio + local Sigstore), half of them
 * published with `npm publish --provenance` (attestations + registry signature),
 * half with a plain PUT (registry signature only), next to `npm audit signatures`
 * on the same tree in the same run (npm's trust served by the test TUF mirror).
 *
 *   npx pnpm build && node bench/audit.mjs [--versions 1000]
 *
 * Prints wall time and peak RSS of: npm audit signatures; provenant audit cold
 * (empty cache) and warm (cache filled) on the lockfile; provenant audit
 * --installed cold. Targets: cold ≤ 0.5× npm, warm < 1 s, peak RSS ≤ 200 MB.
 * Publishing and installing (minutes) are excluded from the figures.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  cleanEnv,
  githubActionsEnv,
  makeTempDir,
  makeWorkspace,
  prepublish,
  removeDir,
  run,
  startRegistry,
  startSigstore,
  toolPathEnv,
  writeNpmrc,
} from '../packages/testing/dist/index.js';
import { startNpmTufMirror } from '../test/helpers/npm-tuf-mirror.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLI = path.resolve(here, '../packages/cli/bin/provenant.js');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};
const N = Number(arg('versions', '1000'));
const SCOPE = '@bench-audit';

/** Wall time (ms), CPU time (user + system, s) and peak RSS (MB) of a child process, through GNU time. */
function measure(cmd, args, options) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', cmd, ...args], {
      ...options,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => {
      const [rss, user, system] = (err.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
      resolve({ ms: performance.now() - started, cpu: user + system, rssMb: rss / 1024, code, out, err });
    });
  });
}

const sigstore = await startSigstore();
const registry = await startRegistry({ rekorUrl: sigstore.url });
const temp = await makeTempDir('bench-audit');
try {
  const env = toolPathEnv(cleanEnv());
  const attested = Array.from({ length: Math.ceil(N / 2) }, (_, i) => `${SCOPE}/att-${i}`);
  const plain = Array.from({ length: N - attested.length }, (_, i) => `${SCOPE}/plain-${i}`);
  let t = performance.now();
  const publisher = path.join(temp, 'publisher');
  await makeWorkspace(publisher, {
    repository: 'https://github.com/acme/widgets',
    packages: attested.map((name) => ({ name })),
  });
  await writeNpmrc(publisher, registry);
  const published = await run('npm', ['publish', '--provenance', '--access', 'public', '--workspaces'], {
    cwd: publisher,
    env: {
      ...env,
      ...githubActionsEnv({
        sigstore,
        repository: 'acme/widgets',
        workflow: '.github/workflows/release.yml',
      }),
    },
    timeoutMs: 3_600_000,
  });
  if (published.exitCode !== 0) throw new Error(`npm publish failed:\n${published.all.slice(-2000)}`);
  for (let i = 0; i < plain.length; i += 16) {
    await Promise.all(plain.slice(i, i + 16).map((name) => prepublish(registry, { name, version: '1.0.0' })));
  }
  console.log(
    `set-up: published ${attested.length} with provenance + ${plain.length} plain in ${((performance.now() - t) / 1000).toFixed(0)} s`,
  );

  t = performance.now();
  const consumer = path.join(temp, 'consumer');
  mkdirSync(consumer, { recursive: true });
  const deps = Object.fromEntries([...attested, ...plain].map((name) => [name, '1.0.0']));
  writeFileSync(
    path.join(consumer, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, dependencies: deps }),
  );
  await writeNpmrc(consumer, registry);
  const installed = await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], {
    cwd: consumer,
    env,
    timeoutMs: 3_600_000,
  });
  if (installed.exitCode !== 0) throw new Error(`npm install failed:\n${installed.all.slice(-2000)}`);
  console.log(`set-up: npm install of ${N} packages in ${((performance.now() - t) / 1000).toFixed(0)} s\n`);

  const mirror = await startNpmTufMirror(sigstore, registry, temp);
  const npm = await measure('npm', ['audit', 'signatures'], {
    cwd: consumer,
    env: { ...env, ...mirror.env },
  });
  await mirror.stop();
  const cacheHome = path.join(temp, 'xdg-cache');
  const provenant = (extra) =>
    measure(
      process.execPath,
      [
        CLI,
        'audit',
        '--trusted-root',
        sigstore.trustedRootPath,
        '--npm-keys',
        registry.npmKeysPath,
        '--registry',
        registry.url,
        ...extra,
      ],
      { cwd: consumer, env: { ...env, XDG_CACHE_HOME: cacheHome, NO_COLOR: '1' } },
    );
  const cold = await provenant([]);
  const warm = await provenant([]);
  const installedCold = await provenant(['--installed', '--no-cache']);

  const firstLines = (r) =>
    r.out
      .split('\n')
      .filter((l) => /^(audited|\d+ packages? ha)/.test(l))
      .join(' | ');
  const row = (label, r) =>
    console.log(
      `${label.padEnd(40)} ${(r.ms / 1000).toFixed(2).padStart(7)} s wall ${r.cpu.toFixed(2).padStart(6)} s CPU ${r.rssMb.toFixed(0).padStart(4)} MB  exit ${r.code}  ${firstLines(r)}`,
    );
  console.log(`${N} package versions (${attested.length} with attestations), 2 cores, loopback registry`);
  row('npm audit signatures', npm);
  row('provenant audit (lockfile, cold cache)', cold);
  row('provenant audit (lockfile, warm cache)', warm);
  row('provenant audit --installed --no-cache', installedCold);
  console.log(
    `\ncold / npm = ${(cold.ms / npm.ms).toFixed(2)}× wall, ${(cold.cpu / npm.cpu).toFixed(2)}× CPU (target ≤ 0.5×); warm ${(warm.ms / 1000).toFixed(2)} s wall, ${warm.cpu.toFixed(2)} s CPU (target < 1 s); load average ${loadavg()[0].toFixed(1)}`,
  );
  console.log(
    `peak RSS: cold ${cold.rssMb.toFixed(0)} MB, warm ${warm.rssMb.toFixed(0)} MB (target ≤ 200 MB)`,
  );
} finally {
  await registry.stop();
  await sigstore.stop();
  await removeDir(temp);
}
