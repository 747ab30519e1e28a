// The GitHub Action (action.yml, a composite): its steps run by a simulated runner with a
// GitHub Actions job environment (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP, OIDC),
// installing @provenant/cli from the local registry (the packed tarballs, published there
// first) and releasing a real monorepo against the local registry and Sigstore.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../packages/testing/dist/index.js';
import { outputsOf, readInputs, splitArgs } from '../action/inputs.mjs';
import { runCompositeAction } from './helpers/composite-action.js';
import { manifestOf, packTarballs, publishTarballs, writeUserNpmrc } from './helpers/packed-cli.js';
import { REPO_ROOT } from './helpers/run-cli.js';
import { fixture, signingEnv, startRig, stopRig, trustFlags, type Rig } from './helpers/rig.js';

/** The code of what `fn` throws (null when it does not throw). */
function codeOf(fn: () => unknown): string | null {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code ?? 'NO_CODE';
  }
  return null;
}

describe('the Action inputs', () => {
  it('splits args like a shell, without expanding', () => {
    expect(splitArgs(`--filter "@acme/*" --expect-ref 'refs/heads/main' a\\ b $HOME`)).toEqual([
      '--filter',
      '@acme/*',
      '--expect-ref',
      'refs/heads/main',
      'a b',
      '$HOME',
    ]);
    expect(splitArgs('  ')).toEqual([]);
    expect(() => splitArgs('--filter "oops')).toThrow();
  });

  it('needs a command among release, check, verify; an exact version', () => {
    expect(readInputs({ INPUT_COMMAND: 'check' })).toEqual({
      command: 'check',
      workingDirectory: '.',
      args: [],
      version: null,
    });
    expect(codeOf(() => readInputs({}))).toBe('ACTION_INPUT_MISSING');
    expect(codeOf(() => readInputs({ INPUT_COMMAND: 'publish' }))).toBe('ACTION_INPUT_INVALID');
    expect(codeOf(() => readInputs({ INPUT_COMMAND: 'check', INPUT_VERSION: 'latest' }))).toBe(
      'ACTION_INPUT_INVALID',
    );
  });

  it('outputs come from the report statuses', () => {
    const packages = [
      { name: 'a', version: '1.0.0', status: 'verified' },
      { name: 'b', version: '1.0.0', status: 'unverified' },
      { name: 'c', version: '2.0.0', status: 'skipped' },
      { name: 'd', version: '1.0.0', status: 'failed' },
    ];
    expect(outputsOf({ command: 'release', packages }, '/r.json')).toEqual({
      published: '["a@1.0.0","b@1.0.0"]',
      verified: '["a@1.0.0"]',
      failed: '["b@1.0.0","d@1.0.0"]',
      report: '/r.json',
    });
    expect(outputsOf({ command: 'verify', packages }, '/r.json').published).toBe('[]');
    expect(outputsOf(null, '/r.json')).toEqual({ published: '[]', verified: '[]', failed: '[]', report: '' });
  });
});

describe('the Action, run by a simulated runner', () => {
  let rig: Rig;
  let temp: string;
  let runnerTemp: string;
  let userconfig: string;

  beforeAll(async () => {
    rig = await startRig();
    temp = await makeTempDir('action');
    rig.temp.push(temp);
    runnerTemp = join(temp, 'runner-temp');
    const tarballs = await packTarballs(join(temp, 'packs'));
    // The CLI "as released": its tarballs on the registry the job's npm reads @provenant/* from.
    await publishTarballs(rig.registry, [tarballs.core, tarballs.cli], temp);
    userconfig = await writeUserNpmrc(join(temp, 'runner.npmrc'), rig.registry, true);
  }, 180_000);
  afterAll(() => stopRig(rig));

  /** A job of acme/widgets: signing env, the runner's npm config, npmjs reached directly (not via the Sigstore proxy). */
  function job(dir: string, name: string) {
    const env = signingEnv(rig, {
      RUNNER_TEMP: runnerTemp,
      GITHUB_WORKSPACE: dir,
      GITHUB_STEP_SUMMARY: join(temp, `${name}-summary.md`),
      NPM_CONFIG_USERCONFIG: userconfig,
    });
    for (const key of ['NO_PROXY', 'no_proxy']) if (env[key]) env[key] = `${env[key]},registry.npmjs.org`;
    return { env, cwd: dir, temp: join(temp, name) };
  }

  it('a missing or bad input is the Action own error (exit 2), before installing anything', async () => {
    const dir = await fixture(rig, { packages: [{ name: '@act0/a' }] });
    const missing = await runCompositeAction(REPO_ROOT, {}, job(dir, 'missing'));
    expect(missing.exitCode).toBe(2);
    expect(missing.stdout).toContain('::error title=ACTION_INPUT_MISSING::');
    expect(missing.outputs).toEqual({ published: '', verified: '', failed: '', report: '' });
    const badDir = await runCompositeAction(
      REPO_ROOT,
      { command: 'check', 'working-directory': 'no/such/folder' },
      job(dir, 'bad-dir'),
    );
    expect(badDir.exitCode).toBe(2);
    expect(badDir.stdout).toContain('::error title=ACTION_INPUT_INVALID::');
    expect(existsSync(join(runnerTemp, `provenant-cli-${manifestOf('cli').version}`))).toBe(false);
  });

  it('release publishes and verifies; outputs, report and step summary say so', async () => {
    const dir = await fixture(rig, {
      packages: [{ name: '@act1/a' }, { name: '@act1/b', dependencies: { '@act1/a': '^1.0.0' } }],
    });
    const args = ['--access public --verify-timeout 20', ...trustFlags(rig)].join(' ');
    const result = await runCompositeAction(REPO_ROOT, { command: 'release', args }, job(dir, 'release'));
    expect(result.exitCode, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(JSON.parse(result.outputs.published!)).toEqual(['@act1/a@1.0.0', '@act1/b@1.0.0']);
    expect(JSON.parse(result.outputs.verified!)).toEqual(['@act1/a@1.0.0', '@act1/b@1.0.0']);
    expect(JSON.parse(result.outputs.failed!)).toEqual([]);
    const report = JSON.parse(readFileSync(result.outputs.report!, 'utf8')) as {
      command: string;
      summary: unknown;
    };
    expect(report).toMatchObject({ command: 'release', summary: { verified: 2, failed: 0 } });
    const summary = readFileSync(join(temp, 'release-summary.md'), 'utf8');
    expect(summary).toContain('@act1/a');
    expect(summary).toContain('verified');

    // verify through the Action in the same job: the CLI installed above is reused
    const verify = await runCompositeAction(
      REPO_ROOT,
      { command: 'verify', 'working-directory': '.', args: trustFlags(rig).join(' ') },
      job(dir, 'verify'),
    );
    expect(verify.exitCode, verify.stderr).toBe(0);
    expect(JSON.parse(verify.outputs.verified!)).toEqual(['@act1/a@1.0.0', '@act1/b@1.0.0']);
    expect(JSON.parse(verify.outputs.published!)).toEqual([]);
  });

  it('check of a blocked package: failed output, an ::error annotation, exit 1', async () => {
    const dir = await fixture(rig, {
      packages: [{ name: '@act2/a', repository: 'https://github.com/someone/else' }],
    });
    const result = await runCompositeAction(REPO_ROOT, { command: 'check' }, job(dir, 'check'));
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(result.outputs.failed!)).toEqual(['@act2/a@1.0.0']);
    expect(`${result.stdout}\n${result.stderr}`).toContain('::error file=packages/a/package.json');
    expect(readFileSync(result.outputs.report!, 'utf8')).toContain('REPOSITORY_MISMATCH');
  });
});
