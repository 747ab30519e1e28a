// The `release` command's flags end to end: --no-verify, --tag, --filter, --report,
// --summary, --concurrency, --force, the verify flags it hands on, bad values (exit 2),
// and a run outside CI. Assertions on --json statuses and problem codes only.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanEnv, toolPathEnv } from '../packages/testing/dist/index.js';
import { runCli } from './helpers/run-cli.js';
import {
  codes,
  fixture,
  fourPackages,
  packument,
  release,
  reportOf,
  signingEnv,
  snapshot,
  statuses,
  trustFlags,
  useRig,
} from './helpers/rig.js';

const rig = useRig();

describe('provenant release flags', () => {
  it('--no-verify --tag --filter --concurrency --report --summary', async () => {
    const scope = '@e2e-cli';
    const dir = await fixture(rig, { packages: fourPackages(scope) });
    const out = mkdtempSync(join(tmpdir(), 'release-cli-'));
    rig.temp.push(out);
    const result = await release(rig, dir, [
      '--no-verify',
      '--tag',
      'next',
      '--filter',
      `${scope}/a`,
      '--filter',
      `${scope}/d`,
      '--concurrency',
      '1',
      '--report',
      join(out, 'report.json'),
      '--summary',
      join(out, 'summary.md'),
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(statuses(result)).toEqual({ [`${scope}/a`]: 'published', [`${scope}/d`]: 'published' });
    expect(reportOf(result)?.packages.every((p) => p.verification === null)).toBe(true);
    const doc = (await packument(rig, `${scope}/a`)) as { 'dist-tags'?: Record<string, string> } | null;
    expect(doc?.['dist-tags']?.next).toBe('1.0.0');
    expect(await packument(rig, `${scope}/b`)).toBeNull();
    expect(JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'))).toEqual(reportOf(result));
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain(`${scope}/a`);
  });

  it('--concurrency is publishes in flight, honoured exactly (above the core count too)', async () => {
    const scope = '@e2e-inflight';
    const dir = await fixture(rig, {
      packages: Array.from({ length: 6 }, (_, i) => ({ name: `${scope}/p${i}` })),
    });
    // packages per `npm publish` process, in the order the scheduler starts them
    const batches = async (n: string) => {
      const result = await release(rig, dir, ['--dry-run', '--concurrency', n]);
      expect(result.code, result.stderr).toBe(0);
      return result.stderr
        .split('\n')
        .filter((line) => line.includes('npm publish -w'))
        .map((line) => line.split(' -w ').length - 1);
    };
    expect(await batches('6')).toEqual([1, 1, 1, 1, 1, 1]);
    expect(await batches('2')).toEqual([3, 3]);
  });

  it('a nearby registry chains a package after its own dependencies in one npm process; a remote one does not', async () => {
    const scope = '@e2e-chains';
    const dir = await fixture(rig, { packages: fourPackages(scope) });
    const publishLines = async (profile: string) => {
      const result = await release(rig, dir, ['--dry-run'], { PROVENANT_NETWORK_PROFILE: profile });
      expect(result.code, result.stderr).toBe(0);
      const lines = result.stderr.split('\n');
      // npm reports each upload's integrity: no separate pack unless an answer must be settled
      expect(lines.some((line) => line.includes('npm pack'))).toBe(false);
      return lines
        .filter((line) => line.includes('npm publish -w'))
        .map((line) => [...line.matchAll(/ -w (\S+)/g)].map((m) => m[1]?.slice(scope.length + 1)));
    };
    // a ← b ← c, d: one process per core, b and c after a in a's process (npm runs them in order)
    expect(await publishLines('nearby')).toEqual([['a', 'b', 'c'], ['d']]);
    // remote: one package per process as each becomes ready, except a line a → b → c: npm
    // publishes it in order and logs each acceptance, so b and c wait only for their own dependency
    expect(await publishLines('remote')).toEqual([['a', 'b', 'c'], ['d']]);

    // and for real, chained: in order, every one verified, one npm process for a, b, c
    const real = await release(rig, dir, [], { PROVENANT_NETWORK_PROFILE: 'nearby' });
    expect(real.code, real.stderr).toBe(0);
    expect(Object.values(statuses(real))).toEqual(['verified', 'verified', 'verified', 'verified']);
    expect(real.stderr.split('\n').filter((line) => line.includes('npm publish -w')).length).toBe(2);
  });

  it('a remote registry: the adaptive limit publishes a line in one process and the rest alone, in order, every one verified', async () => {
    const scope = '@e2e-remote';
    const dir = await fixture(rig, { packages: fourPackages(scope) });
    const result = await release(rig, dir, [], { PROVENANT_NETWORK_PROFILE: 'remote' });
    expect(result.code, result.stderr).toBe(0);
    expect(Object.values(statuses(result))).toEqual(['verified', 'verified', 'verified', 'verified']);
    const perProcess = result.stderr
      .split('\n')
      .filter((line) => line.includes('npm publish -w'))
      .map((line) => line.split(' -w ').length - 1);
    // a → b → c in one npm process (each accepted as it goes), d alone
    expect(perProcess.sort()).toEqual([1, 3]);
  });

  it('a package blocked by check stops the release; --force publishes the rest', async () => {
    const scope = '@e2e-force';
    const packages = fourPackages(scope).map((p) =>
      p.name === `${scope}/d` ? { ...p, repository: 'https://github.com/someone/else' } : p,
    );
    const dir = await fixture(rig, { packages });
    const before = snapshot(dir);

    const stopped = await release(rig, dir);
    expect(stopped.code).toBe(1);
    expect(statuses(stopped)[`${scope}/d`]).toBe('blocked');
    expect(codes(stopped, `${scope}/d`)).toContain('REPOSITORY_MISMATCH');
    expect(statuses(stopped)[`${scope}/a`]).toBe('ready');
    expect(await packument(rig, `${scope}/a`)).toBeNull();

    const forced = await release(rig, dir, ['--force']);
    expect(forced.code).toBe(1);
    expect(statuses(forced)).toEqual({
      [`${scope}/a`]: 'verified',
      [`${scope}/b`]: 'verified',
      [`${scope}/c`]: 'verified',
      [`${scope}/d`]: 'blocked',
    });
    expect(await packument(rig, `${scope}/d`)).toBeNull();
    expect(snapshot(dir)).toEqual(before);
  });

  it('hands the verify flags on: a wrong --expect-repository leaves versions unverified', async () => {
    const dir = await fixture(rig, { packages: [{ name: '@e2e-expect/a' }] });
    const result = await release(rig, dir, ['--expect-repository', 'https://github.com/acme/other']);
    expect(result.code).toBe(1);
    expect(statuses(result)).toEqual({ '@e2e-expect/a': 'unverified' });
    expect(codes(result, '@e2e-expect/a')).toContain('IDENTITY_MISMATCH');
  });

  it('bad flag values are usage errors (exit 2), before anything happens', async () => {
    const dir = await fixture(rig, { packages: [{ name: '@e2e-bad/a' }] });
    const cases: Array<[string[], string]> = [
      [['--publisher', 'bun'], 'INVALID_FLAG_VALUE'],
      [['--provenance-via', 'carrier-pigeon'], 'INVALID_FLAG_VALUE'],
      [['--retries', '-1'], 'INVALID_FLAG_VALUE'],
      [['--verify-timeout', 'soon'], 'INVALID_FLAG_VALUE'],
      [['--access', 'everyone'], 'INVALID_FLAG_VALUE'],
      [['--no-such-flag'], 'UNKNOWN_FLAG'],
    ];
    for (const [args, code] of cases) {
      const result = await release(rig, dir, args);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(reportOf(result)?.error?.code).toBe(code);
    }
    // a switch npm does not honour: check's environment error, nothing published
    const unhonoured = await release(rig, dir, ['--provenance-via', 'yarnrc']);
    expect(unhonoured.code).toBe(1);
    expect(reportOf(unhonoured)?.environment.problems.map((p) => p.code)).toContain(
      'PUBLISHER_NO_PROVENANCE',
    );
    expect(await packument(rig, '@e2e-bad/a')).toBeNull();
    expect(existsSync(join(dir, '.git', 'provenant'))).toBe(false);
  });

  it('outside CI it refuses (CI_NOT_DETECTED) and publishes nothing', async () => {
    const dir = await fixture(rig, { packages: [{ name: '@e2e-noci/a' }] });
    const result = await runCli(['release', '--json', '--access', 'public'], {
      cwd: dir,
      env: toolPathEnv(cleanEnv()),
    });
    expect(result.code).toBe(1);
    expect(reportOf(result)?.environment.problems.map((p) => p.code)).toContain('CI_NOT_DETECTED');
    expect(await packument(rig, '@e2e-noci/a')).toBeNull();
  });

  it('release --help and restore --help', async () => {
    for (const command of ['release', 'restore']) {
      const result = await runCli([command, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`provenant ${command}`);
    }
  });
});

describe('progress on a terminal', () => {
  it('draws a live task per package with listr2 (under a pseudo-terminal)', async () => {
    const { execFile } = await import('node:child_process');
    const { CLI } = await import('./helpers/run-cli.js');
    const dir = await fixture(rig, { packages: fourPackages('@e2e-tty') });
    const env: Record<string, string> = { ...signingEnv(rig), TERM: 'xterm-256color' };
    delete env.CI; // listr2 only when not in CI (GITHUB_ACTIONS still makes it a signing job)
    const command = [process.execPath, CLI, 'release', '--access', 'public', ...trustFlags(rig)]
      .map((a) => `'${a}'`)
      .join(' ');
    const output = await new Promise<{ code: number; text: string }>((resolve) => {
      // a pseudo-terminal of a real size (script's own has 0 columns); ANSI escapes stripped
      execFile(
        'script',
        ['-qfec', `stty cols 120 rows 40; ${command}`, '/dev/null'],
        { cwd: dir, env, timeout: 170_000 },
        (error, stdout) =>
          resolve({
            code: error ? Number(error.code ?? 1) : 0,
            // eslint-disable-next-line no-control-regex
            text: stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''),
          }),
      );
    });
    expect(output.code, output.text).toBe(0);
    for (const name of ['a', 'b', 'c', 'd']) expect(output.text).toContain(`@e2e-tty/${name} verified`);
    expect(output.text).not.toContain(rig.registry.token);
  });
});
