// `provenant release` when things go wrong: a package that fails (dependents blocked,
// independents out, a re-run finishes without republishing), SIGINT and kill -9
// mid-release (files restored; `provenant restore`), a publisher that silently drops
// provenance, and the registry token kept out of every output.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmBin } from '../packages/testing/dist/index.js';
import { CLI, runCli } from './helpers/run-cli.js';
import {
  codes,
  fixture,
  fourPackages,
  release,
  signingEnv,
  snapshot,
  statuses,
  trustFlags,
  reportOf,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

const failWhenAsked = {
  // fails (printing the token it was handed) only when FAIL_PUBLISH is set
  prepublishOnly:
    'node -e "if (process.env.FAIL_PUBLISH) { console.error(\'error: cannot publish, token \' + process.env.LEAKY_TOKEN); process.exit(1) }"',
};
const slowPublish = { prepublishOnly: 'node -e "setTimeout(() => {}, 20000)"' };

function journalFile(dir: string): string {
  return join(dir, '.git', 'provenant', 'journal.json');
}

async function waitFor(check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts a release in the background, with files changed (publish-config), slow to publish. */
function startSlowRelease(dir: string) {
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
      ...trustFlags(rig),
    ],
    { cwd: dir, env: { ...signingEnv(rig), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited, output: () => stdout + stderr };
}

describe('provenant release: failures', () => {
  // nearby: a, b, c chained in one npm process; remote: the same line a → b → c in one process
  // with npm's http log, a accepted early, b failing
  it.each(['nearby', 'remote'])(
    '%s: a failing package blocks its dependents, the rest go out verified, a re-run completes it without republishing',
    async (profile) => {
      const scope = `@e2e-fail-${profile}`;
      const packages = fourPackages(scope).map((p) =>
        p.name === `${scope}/b` ? { ...p, manifest: { scripts: failWhenAsked } } : p,
      );
      const dir = await fixture(rig, { packages });
      const before = snapshot(dir);

      const network = { PROVENANT_NETWORK_PROFILE: profile };
      const first = await release(rig, dir, [], {
        ...network,
        FAIL_PUBLISH: '1',
        LEAKY_TOKEN: rig.registry.token,
      });
      expect(first.code, first.stderr).toBe(1);
      expect(statuses(first)).toEqual({
        [`${scope}/a`]: 'verified',
        [`${scope}/b`]: 'failed',
        [`${scope}/c`]: 'blocked',
        [`${scope}/d`]: 'verified',
      });
      expect(codes(first, `${scope}/b`)).toEqual(['PUBLISH_FAILED']);
      expect(codes(first, `${scope}/c`)).toEqual(['DEPENDENCY_BLOCKED']);
      if (profile === 'remote') {
        // the line went in one process, with npm's http log read for acceptances
        expect(first.stderr).toMatch(/npm_config_loglevel=http .*npm publish -w \S+\/a -w \S+\/b -w \S+\/c /);
      }
      // the publisher's message is kept, the token it printed is not
      expect(JSON.stringify(first.json)).toContain('cannot publish, token');
      expect(first.stdout + first.stderr).not.toContain(rig.registry.token);
      expect(snapshot(dir)).toEqual(before);

      const second = await release(rig, dir, [], network);
      expect(second.code, second.stderr).toBe(0);
      expect(statuses(second)).toEqual({
        [`${scope}/a`]: 'skipped',
        [`${scope}/b`]: 'verified',
        [`${scope}/c`]: 'verified',
        [`${scope}/d`]: 'skipped',
      });
      expect(codes(second, `${scope}/a`)).toEqual(['ALREADY_PUBLISHED']);
      expect(reportOf(second)?.packages.find((p) => p.name === `${scope}/a`)?.publish).toBeNull();
      expect(snapshot(dir)).toEqual(before);
    },
  );

  it('SIGINT mid-release restores every file and exits 130', async () => {
    const packages = fourPackages('@e2e-int').map((p) => ({ ...p, manifest: { scripts: slowPublish } }));
    const dir = await fixture(rig, { packages });
    const before = snapshot(dir);
    const run = startSlowRelease(dir);
    await waitFor(() => existsSync(journalFile(dir)));
    await waitFor(
      () =>
        run.output().length > 0 &&
        snapshot(dir)['packages/a/package.json'] !== before['packages/a/package.json'],
    );
    await new Promise((r) => setTimeout(r, 1500)); // inside the publisher by now
    run.child.kill('SIGINT');
    const exit = await run.exited;
    expect(exit.code, exit.stderr).toBe(130);
    expect(JSON.parse(exit.stdout).error.code).toBe('INTERRUPTED');
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(journalFile(dir))).toBe(false);
  });

  it('SIGTERM too', async () => {
    const packages = fourPackages('@e2e-term').map((p) => ({ ...p, manifest: { scripts: slowPublish } }));
    const dir = await fixture(rig, { packages });
    const before = snapshot(dir);
    const run = startSlowRelease(dir);
    await waitFor(() => existsSync(journalFile(dir)));
    await new Promise((r) => setTimeout(r, 1500));
    run.child.kill('SIGTERM');
    const exit = await run.exited;
    expect(exit.code).toBe(130);
    expect(snapshot(dir)).toEqual(before);
  });

  it('kill -9 mid-release: provenant restore puts every file back byte for byte', async () => {
    const packages = fourPackages('@e2e-kill').map((p) => ({ ...p, manifest: { scripts: slowPublish } }));
    const dir = await fixture(rig, { packages });
    const before = snapshot(dir);
    const run = startSlowRelease(dir);
    await waitFor(() => existsSync(journalFile(dir)));
    await waitFor(() => snapshot(dir)['packages/d/package.json'] !== before['packages/d/package.json']);
    run.child.kill('SIGKILL');
    await run.exited;
    expect(snapshot(dir)).not.toEqual(before);

    // a new release refuses while the journal is there
    const refused = await release(rig, dir);
    expect(refused.code).toBe(2);
    expect(reportOf(refused)?.error?.code).toBe('RELEASE_IN_PROGRESS');

    const restored = await runCli(['restore', '--json'], { cwd: join(dir, 'packages', 'b') });
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout).restored).toHaveLength(4);
    expect(snapshot(dir)).toEqual(before);
    expect(existsSync(journalFile(dir))).toBe(false);

    const nothing = await runCli(['restore'], { cwd: dir });
    expect(nothing.code).toBe(0);
  });

  it('a publisher that silently drops provenance is caught: PROVENANCE_MISSING', async () => {
    // an npm that ignores every provenance switch, as pnpm 9's `-r publish --provenance` does
    const shims = mkdtempSync(join(tmpdir(), 'dropping-npm-'));
    rig.temp.push(shims);
    const realNpm = npmBin(signingEnv(rig).PATH);
    writeFileSync(
      join(shims, 'npm'),
      `#!/bin/sh\nunset NPM_CONFIG_PROVENANCE npm_config_provenance\nexec "${realNpm}" "$@"\n`,
    );
    chmodSync(join(shims, 'npm'), 0o755);
    const dir = await fixture(rig, { packages: [{ name: '@e2e-drop/a' }] });
    const env = signingEnv(rig);
    const result = await release(rig, dir, ['--verify-timeout', '2'], { PATH: `${shims}:${env.PATH}` });
    expect(result.code).toBe(1);
    expect(statuses(result)).toEqual({ '@e2e-drop/a': 'unverified' });
    expect(codes(result, '@e2e-drop/a')).toContain('PROVENANCE_MISSING');
    expect(readFileSync(join(dir, '.npmrc'), 'utf8')).toContain('_authToken');
  });
});
