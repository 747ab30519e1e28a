// The crash matrix: a release is stopped at fixed moments from start to finish — checking,
// turning provenance on (the journaled file edits), packing, publishing, restoring,
// verifying — by `kill -9` of its whole process group, by SIGINT and by SIGTERM.
// After kill -9, `provenant restore` must put the monorepo back byte for byte; after
// SIGINT/SIGTERM the release must do that itself and exit 130. A re-run must then publish
// only what is missing: Verdaccio never accepts a version twice (counted at a pass-through
// proxy, and read from its storage).
//
// CI runs a fixed-seed subset; PROVENANT_FULL_MATRIX=1 runs every point with every signal.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededUnit, startFaultProxy, type FaultProxy } from '../../packages/testing/dist/index.js';
import { CLI, runCli } from '../helpers/run-cli.js';
import {
  filesUnder,
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
  trustFlags,
} from '../helpers/rig.js';

const COUNT = 12;
/** Where to stop: the n-th (1-based) progress line matching. */
interface Point {
  id: string;
  stage: string;
  marker: RegExp;
  nth?: number;
}
const POINTS: Point[] = [
  { id: 'check', stage: 'check', marker: /» Checking the workspace/ },
  { id: 'inject-start', stage: 'injecting', marker: /» Turning provenance on/ },
  { id: 'inject-files', stage: 'injecting', marker: /changed packages\/p0\d\/package\.json/, nth: 3 },
  // the last file changed: packing starts right after (it prints no line of its own)
  { id: 'pack', stage: 'packing', marker: /changed packages\/p11\/package\.json/ },
  { id: 'publish-start', stage: 'publishing', marker: /» Publishing with/ },
  { id: 'publish-first-run', stage: 'publishing', marker: /: publishing — / },
  { id: 'published-1', stage: 'publishing', marker: /✔ \S+: published/ },
  { id: 'published-half', stage: 'publishing', marker: /✔ \S+: published/, nth: COUNT / 2 },
  { id: 'published-last', stage: 'publishing', marker: /✔ \S+: published/, nth: COUNT - 1 },
  { id: 'restore', stage: 'restoring', marker: /» Restoring changed files/ },
  // verification runs alongside publishing: the first result comes before the restore
  { id: 'verified-1', stage: 'verifying', marker: /✔ \S+@1\.0\.0: verified/ },
  { id: 'verified-half', stage: 'verifying', marker: /✔ \S+@1\.0\.0: verified/, nth: COUNT / 2 },
  { id: 'verified-last', stage: 'verifying', marker: /✔ \S+@1\.0\.0: verified/, nth: COUNT - 1 },
];
type Sig = 'SIGKILL' | 'SIGINT' | 'SIGTERM';
const SIGNALS: Sig[] = ['SIGKILL', 'SIGINT', 'SIGTERM'];

const FULL = process.env.PROVENANT_FULL_MATRIX === '1';
const SEED = process.env.PROVENANT_CRASH_SEED ?? 'crash-matrix-1';
/** CI: 4 kill -9 points, 1 SIGINT, 1 SIGTERM, picked by the fixed seed (one per stage group). */
function subset(): Array<[Point, Sig]> {
  const all = POINTS.flatMap((p) => SIGNALS.map((s) => [p, s] as [Point, Sig]));
  if (FULL) return all;
  const rank = (p: Point, s: Sig) => seededUnit(SEED, p.id, s);
  const pick = (stages: string[], signal: Sig) =>
    POINTS.filter((p) => stages.includes(p.stage)).sort(
      (a, b) => rank(a, signal) - rank(b, signal),
    )[0] as Point;
  return [
    [pick(['check', 'injecting', 'packing'], 'SIGKILL'), 'SIGKILL'],
    [pick(['publishing'], 'SIGKILL'), 'SIGKILL'],
    [pick(['restoring'], 'SIGKILL'), 'SIGKILL'],
    [pick(['verifying'], 'SIGKILL'), 'SIGKILL'],
    [pick(['injecting', 'publishing'], 'SIGINT'), 'SIGINT'],
    [pick(['publishing', 'verifying'], 'SIGTERM'), 'SIGTERM'],
  ];
}

let rig: Rig;
let counter: FaultProxy;
beforeAll(async () => {
  rig = await startRig();
  // rate 0: a pass-through that records what Verdaccio accepted
  counter = await startFaultProxy({ target: rig.registry.url, seed: 0, rate: 0 });
});
afterAll(async () => {
  await counter?.stop();
  await stopRig(rig);
});

interface Stopped {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  stdout: string;
  hit: boolean;
}

/** Runs a release in its own process group and sends `signal` to the group at `point`. */
function releaseUntil(dir: string, point: Point, signal: Sig): Promise<Stopped> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'release',
      '--json',
      '--access',
      'public',
      '--provenance-via',
      'publish-config',
      '--concurrency',
      '2',
      '--verify-timeout',
      '20',
      ...trustFlags(rig),
    ],
    {
      cwd: dir,
      env: { ...signingEnv(rig), NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let stdout = '';
  let stderr = '';
  let seen = 0;
  let hit = false;
  const watchdog = setTimeout(() => process.kill(-(child.pid as number), 'SIGKILL'), 150_000);
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => {
    const before = stderr;
    stderr += d.toString();
    if (hit) return;
    // complete new lines only
    const lines = stderr
      .slice(before.lastIndexOf('\n') + 1)
      .split('\n')
      .slice(0, -1);
    for (const line of lines) {
      if (point.marker.test(line) && ++seen >= (point.nth ?? 1)) {
        hit = true;
        // SIGKILL: the whole group (the CLI and its publishers), as a cancelled CI job does;
        // SIGINT/SIGTERM: the CLI alone, which must stop its children and restore
        if (signal === 'SIGKILL') process.kill(-(child.pid as number), 'SIGKILL');
        else child.kill(signal);
        break;
      }
    }
  });
  return new Promise((resolve) =>
    child.on('close', (code, sig) => {
      clearTimeout(watchdog);
      try {
        process.kill(-(child.pid as number), 'SIGKILL'); // leftovers of the group, if any
      } catch {
        // none
      }
      resolve({ code, signal: sig, output: stdout + stderr, stdout, hit });
    }),
  );
}

function acceptedPuts(name: string): number {
  return counter
    .forwarded()
    .filter((a) => a.method === 'PUT' && a.status < 300 && decodeURIComponent(a.path.slice(1)) === name)
    .length;
}

const cases = subset();
describe('crash matrix', () => {
  it.each(cases.map(([p, s], i) => [`${s} at ${p.id} (${p.stage})`, p, s, i] as const))(
    '%s: restored byte for byte, re-run publishes only what is missing',
    async (_label, point, signal, i) => {
      const scope = `@crash${i}-${point.id}-${signal.toLowerCase()}`;
      const packages = manyPackages(scope, COUNT);
      const dir = await fixture(rig, { packages }, { registryUrl: counter.url });
      const before = snapshot(dir);
      const stopped = await releaseUntil(dir, point, signal);
      if (!stopped.hit) console.log(`[crash] marker not seen:\n${stopped.output}`);
      expect(stopped.hit).toBe(true);

      if (signal === 'SIGKILL') {
        expect(stopped.signal).toBe('SIGKILL');
        const restored = await runCli(['restore', '--json'], { cwd: dir });
        expect(restored.code, restored.stderr).toBe(0);
      } else {
        // restores without help; exit 130
        expect(stopped.code, stopped.output.slice(-3000)).toBe(130);
        expect(stopped.output).not.toMatch(/\n\s+at /);
      }
      expect(snapshot(dir)).toEqual(before);
      expect(gitStatus(dir)).toBe('');
      expect(existsSync(join(dir, '.git', 'provenant', 'journal.json'))).toBe(false);

      const publishedBefore = packages.filter((p) => stored(rig, p.name) !== null).map((p) => p.name);
      const rerun = await release(rig, dir, ['--registry', counter.url, '--concurrency', '4']);
      expect(rerun.code, rerun.stderr.slice(-3000)).toBe(0);
      for (const pkg of rerun.json?.packages ?? []) {
        const expected = publishedBefore.includes(pkg.name) ? 'skipped' : 'verified';
        expect(`${pkg.name}:${pkg.status}`).toBe(`${pkg.name}:${expected}`);
      }
      for (const { name } of packages) {
        expect(Object.keys(stored(rig, name)?.versions ?? {}), name).toEqual(['1.0.0']);
        expect(acceptedPuts(name), name).toBe(1);
      }
      expect(snapshot(dir)).toEqual(before);
      const journalFiles = filesUnder(join(dir, '.git', 'provenant')).map(([f]) => f);
      expect(
        secretLeaks(
          rig.registry.token,
          { stopped: stopped.output, rerun: rerun.stdout + rerun.stderr },
          journalFiles,
        ),
      ).toEqual([]);
      console.log(
        `[crash] ${signal} at ${point.id}: ${publishedBefore.length}/${COUNT} published before the stop`,
      );
    },
  );
});
