#!/usr/bin/env node
/**
 * Issue 11's targets in one run: `bench/release.js` (loopback 60 packages and WAN 40, every
 * anchor and Provenant with default flags and a tuned variant, each on a fresh rig),
 * `bench/scale.mjs` (peak memory of a 200-package release with default flags) and
 * `bench/verify.js` (200 versions), then one table of figures against the targets.
 *
 *   npx tsc -b packages/core packages/cli packages/testing && node bench/speed.mjs
 *
 * Figures only: nothing fails for being slow (the exit status is the benchmarks' own).
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Runs one benchmark, its output passed through; resolves with what it printed on stdout. */
function bench(file, args) {
  console.log(`\n=== node bench/${file} ${args.join(' ')} ===`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here(file), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`bench/${file} exited ${code}`)),
    );
  });
}

const lastJsonLine = (text) =>
  JSON.parse(
    text
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .at(-1) ?? 'null',
  );

const started = os.loadavg()[0];
const release = lastJsonLine(await bench('release.js', []));
const scale = await bench('scale.mjs', ['--packages', '200', '--release', '200', '--concurrency', 'default']);
const verifyOut = await bench('verify.js', []);
const verify = JSON.parse(verifyOut.slice(verifyOut.indexOf('{'), verifyOut.lastIndexOf('}') + 1));

const ratio = (profile, mine, theirs) => {
  const r = release.profiles[profile]?.results;
  return r?.[mine] && r[theirs] ? r[mine].wallMs / r[theirs].wallMs : Number.NaN;
};
const rssOf200 = Number(/release, 200 packages.*?peak RSS (\d+) MB/.exec(scale)?.[1] ?? NaN);
const own = release.profiles.loopback?.results.provenant;
const rows = [
  [
    'WAN 40, default / npm publish --workspaces',
    ratio('wan', 'provenant', 'npm-workspaces'),
    '≤ 0.25',
    (v) => v <= 0.25,
  ],
  ['WAN 40, default / changeset publish', ratio('wan', 'provenant', 'changesets'), '≤ 0.8', (v) => v <= 0.8],
  [
    'loopback 60, default / npm publish --workspaces',
    ratio('loopback', 'provenant', 'npm-workspaces'),
    '≤ 0.9',
    (v) => v <= 0.9,
  ],
  [
    'loopback 60, default / pnpm -r publish',
    ratio('loopback', 'provenant', 'pnpm-recursive'),
    '≤ 0.4',
    (v) => v <= 0.4,
  ],
  [
    'own CPU, main thread, ms per package (loopback 60)',
    own ? own.mainThreadCpuMs / 60 : NaN,
    '≤ 10',
    (v) => v <= 10,
  ],
  ['peak RSS of a 200-package release, MB', rssOf200, '≤ 200', (v) => v <= 200],
  ['verify 200 versions, versions/s', verify.provenant.versionsPerSecond, '≥ 90', (v) => v >= 90],
];
console.log(
  `\n=== issue 11 targets (load average ${started.toFixed(1)} at start, ${os.loadavg()[0].toFixed(1)} at end) ===`,
);
for (const [label, value, target, ok] of rows) {
  const shown = Number.isFinite(value) ? value.toFixed(2) : 'n/a';
  console.log(
    `  ${label.padEnd(52)} ${shown.padStart(8)}  target ${target.padEnd(7)} ${Number.isFinite(value) ? (ok(value) ? 'met' : 'NOT met') : ''}`,
  );
}
// What npm itself allows on this machine: its packages over 2 or 3 processes at once, no order kept
// and nothing verified, against its own --workspaces. No schedule of npm processes beats it.
for (const n of [2, 3]) {
  const floor = ratio('loopback', `npm-split-${n}`, 'npm-workspaces');
  console.log(
    `  ${`floor: npm in ${n} processes, no order / npm --workspaces`.padEnd(52)} ${(Number.isFinite(floor) ? floor.toFixed(2) : 'n/a').padStart(8)}  (the loopback 0.9 target is measured against it)`,
  );
}
