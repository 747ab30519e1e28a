#!/usr/bin/env node
/**
 * Benchmark (issue 8, "Installable from its tarball"): what a user downloads and runs.
 *
 *   npx tsc -b packages/core packages/cli && node bench/install.mjs [--runs 15] [--keep]
 *
 * 1. `pnpm pack` of @provenant/core and @provenant/cli: bytes and file count of each tarball.
 * 2. `npm install <tgz>…` into an empty folder: wall time, packages installed, bytes on disk.
 * 3. Start-up CPU (user + system, the OS's accounting of the finished child) of the installed
 *    `provenant --version`, `provenant --help` (loads every command and @provenant/core) and
 *    a bare `node -e ''` as the yardstick, median of --runs, with the ratios.
 * Target: `--version` ≤ 150 ms CPU (it was 350–500 ms when the CLI imported everything first).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(arg('runs', '15'));
const TIME = '/usr/bin/time';

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
}

/** Bytes and files under `dir`, following nothing (npm links no bins into other trees). */
function diskUsage(dir) {
  let bytes = 0;
  let files = 0;
  const walk = (d) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.isFile()) {
        bytes += statSync(p).size;
        files += 1;
      }
    }
  };
  walk(dir);
  return { bytes, files };
}

/** Median user+system seconds of `command args` over `runs` runs (one warm-up). */
function cpuMedian(command, args, cwd) {
  const samples = [];
  for (let i = 0; i <= runs; i++) {
    const r = spawnSync(TIME, ['-f', '%U %S', command, ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
    const [user, sys] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    if (i > 0) samples.push(user + sys);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)];
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
const ms = (s) => `${Math.round(s * 1000)} ms`;

const work = mkdtempSync(path.join(tmpdir(), 'provenant-bench-install-'));
try {
  const packs = path.join(work, 'packs');
  const pnpm = path.join(repoRoot, 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  const tarballs = [];
  console.log('tarball                         bytes      files');
  for (const pkg of ['core', 'cli']) {
    const out = execFileSync(process.execPath, [pnpm, 'pack', '--pack-destination', packs], {
      cwd: path.join(repoRoot, 'packages', pkg),
      encoding: 'utf8',
    });
    const tgz = out.trim().split('\n').pop();
    const files = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' }).trim().split('\n').length;
    tarballs.push(tgz);
    console.log(
      `${path.basename(tgz).padEnd(30)} ${kb(statSync(tgz).size).padStart(10)} ${String(files).padStart(6)}`,
    );
  }

  const user = path.join(work, 'user');
  execFileSync('mkdir', ['-p', user]);
  writeFileSync(path.join(user, 'package.json'), '{ "name": "bench-user", "private": true }\n');
  const started = performance.now();
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...tarballs], { cwd: user });
  const installMs = performance.now() - started;
  const modules = path.join(user, 'node_modules');
  const lock = JSON.parse(execFileSync('cat', [path.join(user, 'package-lock.json')], { encoding: 'utf8' }));
  const installed = Object.keys(lock.packages).filter((k) => k.startsWith('node_modules/')).length;
  const usage = diskUsage(modules);
  console.log(
    `\nnpm install <2 tgz>: ${(installMs / 1000).toFixed(1)} s wall, ${installed} packages, ${mb(usage.bytes)} in ${usage.files} files`,
  );

  if (!existsSync(TIME)) {
    console.log(`\n${TIME} is missing: start-up CPU not measured.`);
  } else {
    const bin = path.join(modules, '@provenant', 'cli', 'bin', 'provenant.js');
    const node = cpuMedian(process.execPath, ['-e', ''], user);
    const version = cpuMedian(process.execPath, [bin, '--version'], user);
    const help = cpuMedian(process.execPath, [bin, '--help'], user);
    console.log(`\nstart-up CPU (user+sys, median of ${runs}, Node ${process.version})`);
    console.log(`  node -e ''                ${ms(node).padStart(7)}`);
    console.log(
      `  provenant --version       ${ms(version).padStart(7)}   ${(version / node).toFixed(2)}× node  (target ≤ 150 ms)`,
    );
    console.log(
      `  provenant --help          ${ms(help).padStart(7)}   ${(help / node).toFixed(2)}× node  (loads core)`,
    );
  }
} finally {
  if (process.argv.includes('--keep')) console.log(`\nkept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
