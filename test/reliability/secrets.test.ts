// The registry token never leaves: a publisher that fails while echoing its config, the
// token and registry URLs with credentials in them; every output of the run is searched for
// the token's bytes (plain, URL-encoded, base64): stdout, stderr, the JSON report (--report),
// the Markdown summary (--summary) and the journal, including one left behind by kill -9
// (its entries decoded).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/run-cli.js';
import {
  filesUnder,
  fixture,
  release,
  secretLeaks,
  signingEnv,
  snapshot,
  trustFlags,
  useRig,
} from '../helpers/rig.js';
import { run } from '../../packages/testing/dist/index.js';
import { githubJob, gitlabJob, oidcWorkspace } from '../helpers/oidc-rig.js';

const rig = useRig();

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

// Trusted publishing: the short-lived token Provenant's broker exchanges for a package (handed to
// that package's yarn process only) and the job's OIDC id tokens (NPM_ID_TOKEN, SIGSTORE_ID_TOKEN)
// are secrets too. A publisher that echoes them and fails: they are in no output, report, summary,
// journal or file left in the repository. The test learns the exchanged token through a tap file
// outside the repository, written by the publisher's own lifecycle script.
describe('secrets: exchanged tokens and id tokens', () => {
  const tapScript = (tap: string) =>
    [
      'node -e "',
      'const t = process.env.YARN_NPM_AUTH_TOKEN, id = process.env.NPM_ID_TOKEN || process.env.SIGSTORE_ID_TOKEN;',
      'if (!t && !id) process.exit(0);',
      `require('fs').writeFileSync('${tap}', JSON.stringify({ t, id }));`,
      "console.log('npmAuthToken: ' + t + ' id ' + id);",
      "console.error('Authorization: Bearer ' + t + ' token ' + t + ' NPM_ID_TOKEN=' + id);",
      'process.exit(1)"',
    ].join(' ');

  it('a brokered yarn publish that echoes its exchanged token: the token is in no output', async () => {
    const ws = await oidcWorkspace(rig, ['@secrets-oidc/a'], { manager: 'yarn', token: true, git: false });
    const tap = join(ws.home, 'tap.json');
    const manifestPath = join(ws.dir, 'packages', 'a', 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...manifest, scripts: { prepack: tapScript(tap) } }, null, 2),
    );
    const env = githubJob(rig, ws.home, {}, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    expect((await run('yarn', ['install'], { cwd: ws.dir, env })).exitCode).toBe(0);
    const before = snapshot(ws.dir);
    const report = join(ws.home, 'report.json');
    const summary = join(ws.home, 'summary.md');
    const r = await runCli(
      [
        'release',
        '--json',
        ...trustFlags(rig),
        '--access',
        'public',
        '--report',
        report,
        '--summary',
        summary,
      ],
      { cwd: ws.dir, env, timeoutMs: 170_000 },
    );
    expect(r.code).toBe(1);
    expect(existsSync(tap), r.stderr).toBe(true);
    const { t: exchanged } = JSON.parse(readFileSync(tap, 'utf8')) as { t: string };
    expect(exchanged.length).toBeGreaterThan(10);
    const repoFiles = filesUnder(ws.dir).map(([f]) => f);
    expect(
      secretLeaks(exchanged, { stdout: r.stdout, stderr: r.stderr }, [report, summary, ...repoFiles]),
    ).toEqual([]);
    expect(snapshot(ws.dir)).toEqual(before);
  });

  it("a GitLab job's NPM_ID_TOKEN and SIGSTORE_ID_TOKEN echoed by a failing publish: in no output", async () => {
    const ws = await oidcWorkspace(rig, ['@secrets-oidc/gl'], {
      trust: null,
      repository: 'https://gitlab.com/acme/widgets',
    });
    const tap = join(ws.home, 'tap.json');
    const manifestPath = join(ws.dir, 'packages', 'gl', 'package.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    writeFileSync(
      manifestPath,
      JSON.stringify({ ...manifest, scripts: { prepublishOnly: tapScript(tap) } }, null, 2),
    );
    const env = gitlabJob(rig, ws.home);
    const report = join(ws.home, 'report.json');
    const [checked, released] = await Promise.all([
      runCli(['check', '--json', '--auth', 'oidc'], { cwd: ws.dir, env }),
      runCli(
        [
          'release',
          '--json',
          ...trustFlags(rig),
          '--access',
          'public',
          '--auth',
          'token',
          '--report',
          report,
        ],
        {
          cwd: ws.dir,
          env: { ...env, NODE_AUTH_TOKEN: rig.registry.token },
          timeoutMs: 170_000,
        },
      ),
    ]);
    expect(released.code).toBe(1);
    const outputs = {
      checkOut: checked.stdout,
      checkErr: checked.stderr,
      stdout: released.stdout,
      stderr: released.stderr,
    };
    const repoFiles = filesUnder(ws.dir).map(([f]) => f);
    for (const secret of [env.NPM_ID_TOKEN!, env.SIGSTORE_ID_TOKEN!])
      expect(secretLeaks(secret, outputs, [report, ...repoFiles])).toEqual([]);
  });
});
