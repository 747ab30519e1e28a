// Our own release, with our own tool: the publish half of .github/workflows/release.yml
// (the changesets/action step in publish mode, then every step after it), read from the YAML
// and run by the simulated runner in a GitHub Actions job of provenant/provenant, against the
// local registry and Sigstore, on a checkout of this repository. The registry speaks npm
// trusted publishing, configured for @provenant/* and this workflow; the workflow holds no
// token. Every @provenant/* package must end verified, published through the OIDC exchange.
// The rig's only additions to the workflow's commands are the flags that
// point verification at the local Sigstore's trust material (`--trusted-root`, `--npm-keys`).
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  githubActionsEnv,
  makeTempDir,
  npmrcLines,
  prepublish,
  run,
  toolPathEnv,
} from '../packages/testing/dist/index.js';
import { readYaml, runSteps, type StepDefinition } from './helpers/actions-runner.js';
import { releasesFromStdout } from './helpers/changesets-action.js';
import { PUBLISHED_PACKAGES, manifestOf } from './helpers/packed-cli.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import { startRig, stopRig, trustFlags, type Rig } from './helpers/rig.js';

const WORKFLOW_FILE = '.github/workflows/release.yml';
const REPOSITORY = 'provenant/provenant';

interface Workflow {
  permissions: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; steps: StepDefinition[] }>;
}

/** The checkout a release job has after install and build: this repository's tracked files, its build, its node_modules. */
function checkout(dir: string): void {
  const tracked = execFileSync(
    'git',
    [
      'ls-files',
      '-z',
      'package.json',
      'pnpm-workspace.yaml',
      'pnpm-lock.yaml',
      '.gitignore',
      '.changeset',
      'packages/core',
      'packages/cli',
      'packages/testing/package.json',
    ],
    { cwd: REPO_ROOT, encoding: 'utf8' },
  )
    .split('\0')
    .filter(Boolean);
  for (const file of tracked) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(join(REPO_ROOT, file), join(dir, file));
  }
  for (const pkg of PUBLISHED_PACKAGES) {
    cpSync(join(REPO_ROOT, 'packages', pkg, 'dist'), join(dir, 'packages', pkg, 'dist'), { recursive: true });
    symlinkSync(join(REPO_ROOT, 'packages', pkg, 'node_modules'), join(dir, 'packages', pkg, 'node_modules'));
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('-c', 'user.name=ci', '-c', 'user.email=ci@example.com', 'commit', '-qm', 'Version Packages');
}

describe('.github/workflows/release.yml, publish half', () => {
  let rig: Rig;
  let temp: string;
  let dir: string;
  const workflow = readYaml<Workflow>(join(REPO_ROOT, WORKFLOW_FILE));
  const job = Object.values(workflow.jobs)[0]!;
  const changesetsIndex = job.steps.findIndex((s) => s.uses?.startsWith('changesets/action@'));

  beforeAll(async () => {
    rig = await startRig();
    temp = await makeTempDir('own-release');
    rig.temp.push(temp);
    // Set up once by a maintainer (SPEC §7): each package bootstrapped by hand, then its trusted
    // publisher names this repository and this workflow file; static tokens refused from then on.
    for (const { name } of PUBLISHED_PACKAGES.map(manifestOf)) {
      await prepublish(rig.registry, { name, version: '0.0.1' });
      await rig.registry.setTrustedPublisher(name, {
        provider: 'github',
        repository: REPOSITORY,
        workflow: WORKFLOW_FILE.split('/').pop()!,
      });
      await rig.registry.setDisallowTokens(name);
    }
    // After the registry calls: a checkout takes seconds, longer than Verdaccio keeps an idle
    // connection, and prepublish's fetch would reuse the closed one ("other side closed").
    dir = join(temp, 'provenant');
    checkout(dir);
  }, 120_000);
  afterAll(() => stopRig(rig));

  it('publishes through trusted publishing: id-token write, no npm token, npm >= 11.5.1', () => {
    expect(changesetsIndex).toBeGreaterThan(0);
    expect(workflow.permissions['id-token']).toBe('write');
    expect(JSON.stringify(workflow)).not.toMatch(/NPM_TOKEN|NODE_AUTH_TOKEN|_authToken/);
    const npmInstall = job.steps.map((s) => s.run ?? '').find((r) => /npm install -g npm@/.test(r));
    // the lowest version the spec allows (`^11.5.1`, `11.6.0`, `>=11.5.1`), compared part by part
    const lowest = (/npm@[\^~>=]*(\d+)\.(\d+)\.(\d+)/.exec(npmInstall ?? '') ?? []).slice(1).map(Number);
    expect(lowest).toHaveLength(3);
    const [major, minor, patch] = lowest as [number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(11 * 1e6 + 5 * 1e3 + 1);
  });

  it('releases every @provenant/* package, changesets/action sees the New tag lines, verify passes', async () => {
    const trust = trustFlags(rig);
    let withTrust = 0;
    /** The rig's trust material on each provenant command of the workflow. */
    const rigCommand = (command: string) => {
      if (!/provenant (release|verify)/.test(command)) return command;
      withTrust += 1;
      return `${command} ${trust.join(' ')}`;
    };
    const steps = job.steps.slice(changesetsIndex).map((s) => (s.run ? { ...s, run: rigCommand(s.run) } : s));
    const packages = PUBLISHED_PACKAGES.map(manifestOf);
    const summary = join(temp, 'step-summary.md');
    const runnerNpmrc = join(temp, 'runner.npmrc');
    writeFileSync(runnerNpmrc, `${npmrcLines({ url: rig.registry.url, token: null }).join('\n')}\n`);
    const env = {
      ...toolPathEnv(cleanEnv()),
      ...githubActionsEnv({ sigstore: rig.sigstore, repository: REPOSITORY, workflow: WORKFLOW_FILE }),
      // The runner's npm config: the local registry, no token (trusted publishing).
      NPM_CONFIG_USERCONFIG: runnerNpmrc,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_WORKSPACE: dir,
      RUNNER_TEMP: join(temp, 'runner-temp'),
    };
    const eventsBefore = (await rig.registry.trustedPublishingEvents()).length;
    const result = await runSteps(steps, {
      env,
      cwd: dir,
      temp: join(temp, 'steps'),
      context: { secrets: { GITHUB_TOKEN: 'test-github-token' }, github: { workflow: 'Release' } },
      // changesets/action in publish mode: runs `publish` (split on spaces, no shell) and
      // reads `New tag:` lines from its stdout, as its v1 does.
      onUses: async (step, stepEnv) => {
        expect(step.uses).toMatch(/^changesets\/action@/);
        const [command, ...args] = rigCommand(step.with!.publish!).trim().split(/\s+/);
        const ran = await run(command!, args, { cwd: dir, env: stepEnv, timeoutMs: 240_000 });
        const releases = releasesFromStdout(ran.stdout, { single: false, packages });
        return {
          exitCode: ran.exitCode,
          stdout: ran.stdout,
          stderr: ran.stderr,
          outputs: {
            published: String(releases.length > 0),
            publishedPackages: JSON.stringify(
              releases.map((r) => ({ name: r.name, version: r.tag.split('@').pop() })),
            ),
          },
        };
      },
    });
    const [publish, ...after] = result.steps;
    expect(publish!.exitCode, `${publish!.stdout}\n${publish!.stderr}`).toBe(0);
    expect(withTrust).toBe(2);
    expect(JSON.parse(publish!.outputs.publishedPackages!)).toEqual(
      expect.arrayContaining(packages.map((p) => ({ name: p.name, version: p.version }))),
    );
    expect(after.map((s) => [s.step.name, s.skipped, s.exitCode])).toEqual([
      ['Verify every published @provenant/* version', false, 0],
    ]);
    expect(result.exitCode).toBe(0);
    expect(readFileSync(summary, 'utf8')).toContain('@provenant/cli');

    // Independently: what the registry now holds verifies, signed by this workflow of this repository.
    const verify = await runCli(
      [
        'verify',
        ...packages.map((p) => `${p.name}@${p.version}`),
        '--json',
        '--registry',
        rig.registry.url,
        '--expect-repository',
        REPOSITORY,
        '--expect-workflow',
        WORKFLOW_FILE,
        ...trust,
      ],
      { env: cleanEnv() },
    );
    expect(verify.code, verify.stdout).toBe(0);
    expect(verify.json!.packages.map((p) => [p.name, p.status])).toEqual(
      packages.map((p) => [p.name, 'verified']),
    );
    // changeset publish tagged what it published; the checkout is as it was
    const tags = execFileSync('git', ['tag'], { cwd: dir, encoding: 'utf8' }).trim().split('\n').sort();
    expect(tags).toEqual(packages.map((p) => `${p.name}@${p.version}`).sort());
    expect(execFileSync('git', ['status', '--porcelain'], { cwd: dir, encoding: 'utf8' })).toBe('');
    // published through the OIDC exchange, never a token
    const authorized = (await rig.registry.trustedPublishingEvents())
      .slice(eventsBefore)
      .filter((e) => e.type === 'publish-authorized' && e.packageName.startsWith('@provenant/'));
    expect(
      authorized.map((e) => [e.packageName, e.type === 'publish-authorized' ? e.auth : null]).sort(),
    ).toEqual(packages.map((p) => [p.name, 'oidc']).sort());
  });
});
