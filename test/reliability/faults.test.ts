// Releases and verifications through the fault-injecting proxy: 429s with Retry-After,
// 500/503s, resets (before and after the registry stored a publish), truncated answers and
// added latency on 20% of requests. Exactly-once is judged from Verdaccio's own storage and
// from what Verdaccio answered to each PUT, not from Provenant's report.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, startFaultProxy, type FaultProxy, type FaultStats } from '../../packages/testing/dist/index.js';
import { runCli } from '../helpers/run-cli.js';
import {
  fixture,
  gitStatus,
  manyPackages,
  release,
  type Rig,
  secretLeaks,
  signingEnv,
  snapshot,
  startRig,
  stopRig,
  stored,
  storedTarballs,
  trustFlags,
} from '../helpers/rig.js';
import { generationFixture, LOST_ANSWER_GENERATIONS } from './lost-answer-cells.js';

const SEED = Number(process.env.PROVENANT_FAULT_SEED ?? 20240605);
const RATE = 0.2;
const COUNT = 30;
const FAST_PUBLISHER_RETRIES = {
  npm_config_fetch_retry_mintimeout: '500',
  npm_config_fetch_retry_maxtimeout: '4000',
};

let rig: Rig;
const proxies: FaultProxy[] = [];
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await Promise.all(proxies.map((p) => p.stop()));
  await stopRig(rig);
});

async function proxy(seed: number): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: rig.registry.url, seed, rate: RATE });
  proxies.push(p);
  return p;
}

function printFigures(label: string, stats: FaultStats): void {
  // picked up by RELIABILITY.md's figures
  console.log(`[faults] ${label}: ${JSON.stringify(stats)}`);
}

/** Every PUT of a package that Verdaccio accepted (2xx), by package name. */
function acceptedPuts(p: FaultProxy): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of p.forwarded()) {
    if (a.method === 'PUT' && a.status >= 200 && a.status < 300 && !a.path.startsWith('/-/')) {
      const name = decodeURIComponent(a.path.slice(1));
      out.set(name, (out.get(name) ?? 0) + 1);
    }
  }
  return out;
}

describe.each([
  ['npm', 'npm'],
  ['pnpm', 'pnpm'],
] as const)('release of %s packages through 20%% faults', (publisher, manager) => {
  it(`${COUNT} packages via ${publisher}: each stored exactly once, each verified`, async () => {
    const scope = `@faults-${publisher}`;
    const p = await proxy(SEED + (publisher === 'pnpm' ? 1 : 0));
    p.setEnabled(false);
    const range = manager === 'pnpm' ? 'workspace:^' : '^1.0.0';
    const packages = manyPackages(scope, COUNT, range);
    const dir = await fixture(rig, { packages, manager }, { registryUrl: p.url });
    if (manager === 'pnpm') {
      const install = await run('pnpm', ['install'], { cwd: dir, env: signingEnv(rig) });
      expect(install.exitCode, install.all).toBe(0);
      execFileSync('git', ['add', '-A'], { cwd: dir });
      execFileSync('git', ['commit', '-qm', 'lockfile'], { cwd: dir });
    }
    const before = snapshot(dir);
    p.setEnabled(true);

    const result = await release(
      rig,
      dir,
      ['--publisher', publisher, '--concurrency', '4', '--retries', '4'],
      // the publishers' own fetch retries (pnpm waits 10 s, then 60 s, by default)
      FAST_PUBLISHER_RETRIES,
    );
    const stats = p.stats();
    printFigures(`release ${COUNT} via ${publisher}`, stats);

    // the proxy really did get in the way, on publishes too
    expect(stats.faulted).toBeGreaterThan(stats.requests * 0.1);
    expect(stats.byMethod.PUT?.faulted ?? 0).toBeGreaterThan(0);

    // Verdaccio's own view: one version, one tarball, one accepted PUT per package
    const puts = acceptedPuts(p);
    for (const { name } of packages) {
      const doc = stored(rig, name);
      expect(doc, name).not.toBeNull();
      expect(Object.keys(doc?.versions ?? {}), name).toEqual(['1.0.0']);
      expect(doc?.versions['1.0.0']?.dist?.attestations, name).toBeTruthy();
      expect(storedTarballs(rig, name), name).toEqual([`${name.split('/')[1]}-1.0.0.tgz`]);
      expect(puts.get(name), name).toBe(1);
    }

    // Provenant's view agrees: everything verified, nothing left changed, no token printed
    expect(result.code, result.stderr.slice(-4000)).toBe(0);
    const statuses = result.json?.packages.map((pkg) => `${pkg.name}:${pkg.status}`) ?? [];
    expect(statuses).toEqual(packages.map((pkg) => `${pkg.name}:verified`));
    expect(snapshot(dir)).toEqual(before);
    expect(gitStatus(dir)).toBe('');
    expect(secretLeaks(rig.registry.token, { stdout: result.stdout, stderr: result.stderr })).toEqual([]);
  });
});

describe('verify through 20% faults', () => {
  it('gives the same verdicts as without faults', async () => {
    // a small published set, plus a version and a package that do not exist
    const scope = '@faults-verify';
    const dir = await fixture(rig, { packages: manyPackages(scope, 6) });
    const published = await release(rig, dir, ['--concurrency', '4']);
    expect(published.code, published.stderr).toBe(0);
    const specs = [
      ...manyPackages(scope, 6).map((p) => `${p.name}@1.0.0`),
      `${scope}/p00@9.9.9`,
      `${scope}/nope@1.0.0`,
    ];
    const verify = (registry: string) =>
      runCli(['verify', ...specs, '--json', '--registry', registry, ...trustFlags(rig), '--tarball'], {
        cwd: dir,
        env: signingEnv(rig),
        timeoutMs: 120_000,
      });
    const verdicts = (r: Awaited<ReturnType<typeof verify>>) =>
      (r.json?.packages ?? []).map((p) => ({
        spec: `${p.name}@${p.version}`,
        status: p.status,
        codes: p.problems.map((x) => x.code).sort(),
        verification: p.verification,
      }));

    const clean = await verify(rig.registry.url);
    expect(clean.json, clean.stderr).not.toBeNull();
    const seeds = [SEED, SEED + 7, SEED + 13, SEED + 21];
    let injected = 0;
    for (const seed of seeds) {
      const p = await proxy(seed);
      const faulty = await verify(p.url);
      printFigures(`verify ${specs.length} specs seed ${seed}`, p.stats());
      injected += p.stats().faulted;
      expect(faulty.code).toBe(clean.code);
      expect(verdicts(faulty)).toEqual(verdicts(clean));
    }
    expect(injected).toBeGreaterThan(4);
    expect(verdicts(clean).filter((v) => v.status === 'verified')).toHaveLength(6);
  });
});

// Every publisher generation meets a lost answer by construction, not by seed: the first
// package PUT is stored by Verdaccio, then its connection is reset. The publisher packs once
// and publishes that tarball (or its pack is reproducible), so the integrity is known before
// the upload and the registry settles it: published once, verified, nothing blocked.
describe.each(LOST_ANSWER_GENERATIONS)('a lost publish answer under %s', (label, cell) => {
  it('is settled by comparing integrities: each stored once, each verified', async () => {
    const p = await startFaultProxy({ target: rig.registry.url, seed: 1, rate: 0, resetAfterStorePuts: [1] });
    proxies.push(p);
    p.setEnabled(false);
    const scope = `@lost-${label.replace(/\W+/g, '-').replace(/-$/, '')}`;
    const { dir, env, packages } = await generationFixture(rig, cell, scope, p.url);
    p.setEnabled(true);
    const started = Date.now();
    const result = await release(rig, dir, ['--concurrency', '2'], { ...env, ...FAST_PUBLISHER_RETRIES });
    console.log(`[faults] lost answer under ${label}: release ${Date.now() - started} ms`);
    if (process.env.PROVENANT_DEBUG_DIR)
      writeFileSync(join(process.env.PROVENANT_DEBUG_DIR, `${scope.slice(1)}.log`), result.stderr);
    expect(p.injected().map((f) => f.kind)).toEqual(['reset-after']);
    const puts = acceptedPuts(p);
    for (const name of packages) {
      expect(Object.keys(stored(rig, name)?.versions ?? {}), name).toEqual(['1.0.0']);
      expect(puts.get(name), name).toBe(1);
    }
    expect(result.code, result.stderr.slice(-3000)).toBe(0);
    expect(result.json?.environment.publisher).toEqual({ name: cell.publisher, version: cell.version });
    expect(result.json?.packages.map((pkg) => `${pkg.name}:${pkg.status}`)).toEqual(
      packages.map((name) => `${name}:verified`),
    );
  });
});
