// The registry token never leaves: a publisher that fails while echoing its config, the
// token and registry URLs with credentials in them; every output of the run is searched for
// the token's bytes (plain, URL-encoded, base64): stdout, stderr, the JSON report (--report),
// the Markdown summary (--summary) and the journal, including one left behind by kill -9
// (its entries decoded).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/run-cli.js';
import {
  filesUnder,
  fixture,
  release,
  type Rig,
  secretLeaks,
  signingEnv,
  snapshot,
  startRig,
  stopRig,
  trustFlags,
} from '../helpers/rig.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await stopRig(rig);
});

const echoSecrets = {
  prepublishOnly: [
    'node -e "',
    'const t = process.env.LEAKY_TOKEN, u = process.env.LEAKY_URL;',
    "console.log('registry=' + u + ' //127.0.0.1/:_authToken=' + t);",
    "console.error('npm error 401 Unauthorized - PUT ' + u.replace('//', '//provenant:' + t + '@') + 'pkg');",
    "console.error('npm error config: {\\\"//registry/:_authToken\\\":\\\"' + t + '\\\", \\\"_auth\\\":\\\"' + Buffer.from('u:' + t).toString('base64') + '\\\"}');",
    'process.exit(1)"',
  ].join(' '),
};

describe('secrets', () => {
  it('a failing publisher that echoes its config and credentialed URLs: the token is in no output', async () => {
    const dir = await fixture(rig, {
      packages: [{ name: '@secrets/a', manifest: { scripts: echoSecrets } }, { name: '@secrets/b' }],
    });
    const before = snapshot(dir);
    const report = join(dir, '..', 'secrets-report.json');
    const summary = join(dir, '..', 'secrets-summary.md');
    const r = await release(
      rig,
      dir,
      ['--report', report, '--summary', summary, '--provenance-via', 'npmrc'],
      {
        LEAKY_TOKEN: rig.registry.token,
        LEAKY_URL: rig.registry.url,
      },
    );
    expect(r.code).toBe(1);
    expect(r.json?.packages.find((p) => p.name === '@secrets/a')?.status).toBe('failed');
    expect(existsSync(report) && existsSync(summary)).toBe(true);
    const journal = filesUnder(join(dir, '.git', 'provenant')).map(([f]) => f);
    expect(
      secretLeaks(rig.registry.token, { stdout: r.stdout, stderr: r.stderr }, [report, summary, ...journal]),
    ).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  // The journal keeps only the span Provenant edits (core/provenance/journal-edit.ts),
  // so a .npmrc's token never reaches .git/provenant/ even when a kill -9 leaves it there.
  it('a journal left by kill -9 (provenance via .npmrc, which holds the token) does not hold the token', async () => {
    const slow = { prepublishOnly: 'node -e "setTimeout(() => {}, 20000)"' };
    const dir = await fixture(rig, { packages: [{ name: '@secrets-kill/a', manifest: { scripts: slow } }] });
    const child = spawn(
      process.execPath,
      [CLI, 'release', '--json', '--access', 'public', '--provenance-via', 'npmrc', ...trustFlags(rig)],
      {
        cwd: dir,
        env: { ...signingEnv(rig), NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise((r) => child.on('close', r));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d: Buffer) => {
        out += d.toString();
        if (/: publishing — /.test(out)) resolve();
      }),
    );
    process.kill(-(child.pid as number), 'SIGKILL');
    await exited;
    const journalFile = join(dir, '.git', 'provenant', 'journal.json');
    expect(existsSync(journalFile)).toBe(true);
    // the entries hold original bytes base64-encoded: decode them before searching
    const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as {
      entries: Array<{ path: string; content: string | null }>;
    };
    const decoded = Object.fromEntries(
      journal.entries.map((e) => [`journal:${e.path}`, Buffer.from(e.content ?? '', 'base64')]),
    );
    const leaks = secretLeaks(rig.registry.token, { output: out, ...decoded }, [journalFile]);
    const restored = await runCli(['restore'], { cwd: dir });
    expect(restored.code).toBe(0);
    expect(leaks).toEqual([]);
  });
});
