#!/usr/bin/env node
/**
 * Scale benchmark (issue 5): not a timed test, it prints figures.
 *
 *   npx -y pnpm@9.15.9 run build && node bench/scale.mjs [--packages 1000] [--release 200] [--concurrency 16|default]
 *
 * 1. `provenant check` and `provenant release --dry-run` on a generated monorepo of
 *    --packages packages (a chain of dependencies every 10th), against the local
 *    registry (Verdaccio + our attestations plugin): peak memory of the CLI process
 *    (its maxRSS, read by a wrapper that runs the CLI in-process). Target < 300 MB.
 * 2. A real `provenant release` of --release packages at --concurrency through npm,
 *    with provenance from the local Sigstore, against the same registry: wall time,
 *    peak memory, and the count of versions Verdaccio stored.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  cleanEnv,
  githubActionsEnv,
  makeTempDir,
  makeWorkspace,
  removeDir,
  startRegistry,
  startSigstore,
  toolPathEnv,
  writeNpmrc,
} from '../packages/testing/dist/index.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/provenant.js', import.meta.url));
const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  if (i === -1) return fallback;
  // `--concurrency default`: no flag, what users run (one process per core with chains on a
  // nearby registry, the adaptive limit on a remote one)
  return process.argv[i + 1] === 'default' ? 'default' : Number(process.argv[i + 1]);
};
const N = arg('packages', 1000);
const R = arg('release', 200);
const C = arg('concurrency', 16);

function packages(scope, count) {
  return Array.from({ length: count }, (_, i) => {
    const name = `${scope}/p${String(i).padStart(4, '0')}`;
    return i % 10 === 9
      ? { name, dependencies: { [`${scope}/p${String(i - 1).padStart(4, '0')}`]: '^1.0.0' } }
      : { name };
  });
}

/** Runs the CLI in a child Node that reports its own maxRSS on exit (process.resourceUsage). */
function measured(args, cwd, env) {
  const wrapper = join(cwd, '..', 'rss-wrapper.mjs');
  if (!existsSync(wrapper)) {
    writeFileSync(
      wrapper,
      `process.on('exit', () => { process.stderr.write('\\nMAXRSS_KB=' + process.resourceUsage().maxRSS + '\\n'); });\n` +
        `process.argv.splice(1, 1);\nawait import(${JSON.stringify(CLI)});\n`,
    );
  }
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [wrapper, CLI, ...args], { cwd, env: { ...env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => {
      const kb = Number(/MAXRSS_KB=(\d+)/.exec(stderr)?.[1] ?? NaN);
      resolve({
        code,
        ms: Math.round(performance.now() - started),
        rssMb: Math.round(kb / 1024),
        stdout,
        stderr,
      });
    });
  });
}

const sigstore = await startSigstore();
const registry = await startRegistry({ rekorUrl: sigstore.url });
const dirs = [];
try {
  const env = {
    ...toolPathEnv(cleanEnv()),
    ...githubActionsEnv({ sigstore, repository: 'acme/widgets', workflow: '.github/workflows/release.yml' }),
  };
  const trust = ['--trusted-root', sigstore.trustedRootPath, '--npm-keys', registry.npmKeysPath];

  const big = await makeTempDir('scale');
  dirs.push(big);
  await makeWorkspace(big, {
    repository: 'https://github.com/acme/widgets',
    git: true,
    packages: packages('@scale', N),
  });
  await writeNpmrc(big, registry);
  const codesOf = (r) => {
    try {
      const j = JSON.parse(r.stdout);
      return JSON.stringify({ env: j.environment.problems.map((p) => p.code), summary: j.summary });
    } catch {
      return r.stderr.slice(-300);
    }
  };
  const check = await measured(['check', '--json'], big, env);
  console.log(
    `check, ${N} packages:            exit ${check.code}, ${check.ms} ms, peak RSS ${check.rssMb} MB ${codesOf(check)}`,
  );
  const dry = await measured(['release', '--dry-run', '--json', '--access', 'public', ...trust], big, env);
  console.log(
    `release --dry-run, ${N} packages: exit ${dry.code}, ${dry.ms} ms, peak RSS ${dry.rssMb} MB ${codesOf(dry)}`,
  );

  const rel = await makeTempDir('scale-release');
  dirs.push(rel);
  await makeWorkspace(rel, {
    repository: 'https://github.com/acme/widgets',
    git: true,
    packages: packages('@scale-rel', R),
  });
  await writeNpmrc(rel, registry);
  const run = await measured(
    [
      'release',
      '--json',
      '--access',
      'public',
      ...(C === 'default' ? [] : ['--concurrency', String(C)]),
      '--verify-timeout',
      '60',
      ...trust,
    ],
    rel,
    env,
  );
  const report = JSON.parse(run.stdout || '{}');
  const { existsSync: exists } = await import('node:fs');
  const stored = packages('@scale-rel', R).filter((p) =>
    exists(join(registry.storageDir, ...p.name.split('/'), 'package.json')),
  ).length;
  console.log(
    `release, ${R} packages, --concurrency ${C}: exit ${run.code}, ${(run.ms / 1000).toFixed(1)} s, peak RSS ${run.rssMb} MB, ` +
      `summary ${JSON.stringify(report.summary ?? null)}, stored by Verdaccio ${stored}/${R}`,
  );
  // memory is the target here; check's exit status depends on the registry (see its codes)
  const ok = check.rssMb < 300 && dry.rssMb < 300 && run.code === 0 && stored === R;
  console.log(ok ? 'OK: under 300 MB, every package released' : 'NOT OK');
  process.exitCode = ok ? 0 : 1;
} finally {
  await registry.stop();
  await sigstore.stop();
  for (const d of dirs) await removeDir(d);
}
