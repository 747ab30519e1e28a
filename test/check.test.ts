// `provenant check` end to end: the built CLI against a real Verdaccio, on
// generated monorepos, under simulated GitHub Actions, GitLab CI and no CI.
// Assertions are on statuses and codes from --json, never on message text.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepublish, writeNpmrc, type Registry, type WorkspaceSpec } from '../packages/testing/dist/index.js';
import {
  check,
  codes,
  envCodes,
  githubEnv,
  gitlabEnv,
  localEnv,
  statuses,
  treeHash,
} from './helpers/check-rig.js';
import { fixture as rigFixture, startRig, stopRig, tempDir, type Rig } from './helpers/rig.js';

const GITHUB_REPO = 'https://github.com/acme/widgets';
const GITLAB_REPO = 'https://gitlab.com/acme/widgets';

let rig: Rig;
let registry: Registry;
let home: string;

beforeAll(async () => {
  rig = await startRig();
  registry = rig.registry;
  home = await tempDir(rig, 'check-home');
  // Already published: chk-cli@1.0.0 (skipped) and an older @chk2/old (no longer a first publish).
  await prepublish(registry, { name: 'chk-cli', version: '1.0.0' });
  await prepublish(registry, { name: 'chk-gl-cli', version: '1.0.0' });
  await prepublish(registry, { name: '@chk2/old', version: '0.9.0' });
});
afterAll(async () => {
  await stopRig(rig);
});

/** Scoped, internal deps, one private, one already published; all well configured. */
function healthy(prefix: string): WorkspaceSpec['packages'] {
  return [
    { name: `@${prefix}/core`, publishConfig: { access: 'public' } },
    { name: `${prefix}-utils`, dependencies: { [`@${prefix}/core`]: '^1.0.0' } },
    { name: `${prefix}-cli`, dependencies: { [`${prefix}-utils`]: '^1.0.0' } },
    { name: `${prefix}-docs`, private: true, dependencies: { [`${prefix}-cli`]: '^1.0.0' } },
  ];
}

/** A monorepo (no git) with `.npmrc` for the rig: its token, or only the `registry=` line. */
function fixture(
  spec: Partial<WorkspaceSpec> & Pick<WorkspaceSpec, 'packages'>,
  token = true,
): Promise<string> {
  return rigFixture(rig, { repository: GITHUB_REPO, git: false, ...spec }, { token, label: 'check-e2e' });
}

describe.concurrent('provenant check under GitHub Actions', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fixture({ packages: healthy('chk') });
  });

  it('reports ready/skipped, exit 0, pure JSON on stdout, writes --report and --summary, changes no file', async () => {
    const before = treeHash(dir);
    const out = await tempDir(rig, 'check-out');
    const stepSummary = join(out, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const result = await check(
      dir,
      ['--json', '--report', join(out, 'report.json'), '--summary', join(out, 'summary.md')],
      githubEnv(home, 'acme/widgets', {}, { GITHUB_STEP_SUMMARY: stepSummary }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trimStart().startsWith('{')).toBe(true);
    expect(result.json).not.toBeNull();
    expect(result.json?.schemaVersion).toBe(1);
    expect(result.json?.command).toBe('check');
    expect(result.json?.registry).toBe(registry.url);
    expect(result.json?.environment).toMatchObject({
      ci: 'github-actions',
      repository: GITHUB_REPO,
      runner: 'github-hosted',
      publisher: { name: 'npm' },
      provenanceVia: 'env',
    });
    expect(envCodes(result)).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
    // publishing order: dependencies first
    expect(result.json?.packages.map((p) => p.name)).toEqual([
      '@chk/core',
      'chk-utils',
      'chk-cli',
      'chk-docs',
    ]);
    expect(statuses(result)).toEqual({
      '@chk/core': 'ready',
      'chk-utils': 'ready',
      'chk-cli': 'skipped',
      'chk-docs': 'skipped',
    });
    expect(codes(result, 'chk-cli')).toEqual(['ALREADY_PUBLISHED']);
    expect(codes(result, 'chk-docs')).toEqual(['PRIVATE']);
    expect(result.json?.packages.find((p) => p.name === 'chk-utils')?.dir).toBe('packages/chk-utils');
    expect(result.json?.summary).toMatchObject({ total: 4, ready: 2, blocked: 0, skipped: 2 });
    // human output goes to stderr; no annotations when nothing is an error
    expect(result.stderr).toContain('chk-utils');
    expect(result.stderr).not.toContain('::error');
    // --report equals stdout; --summary is Markdown; it goes to --summary, not to the step summary
    expect(readFileSync(join(out, 'report.json'), 'utf8')).toBe(result.stdout);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toMatch(/^#/m);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('@chk/core');
    expect(readFileSync(stepSummary, 'utf8')).toBe('# earlier step\n');
    expect(result.stdout + result.stderr).not.toContain(registry.token);
    expect(treeHash(dir)).toBe(before);
  });

  it('appends the Markdown summary to $GITHUB_STEP_SUMMARY when --summary is not given', async () => {
    const out = await tempDir(rig, 'check-out');
    const stepSummary = join(out, 'step-summary.md');
    writeFileSync(stepSummary, '# earlier step\n');
    const result = await check(
      dir,
      [],
      githubEnv(home, 'acme/widgets', {}, { GITHUB_STEP_SUMMARY: stepSummary }),
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toBeNull(); // no --json: human output on stdout
    expect(result.stdout).toContain('@chk/core');
    const summary = readFileSync(stepSummary, 'utf8');
    expect(summary.startsWith('# earlier step\n')).toBe(true);
    expect(summary.length).toBeGreaterThan('# earlier step\n'.length);
    expect(summary).toContain('chk-utils');
  });

  it('ID_TOKEN_PERMISSION_MISSING without id-token: write: exit 1, package statuses unchanged', async () => {
    const before = treeHash(dir);
    const result = await check(
      dir,
      ['--json'],
      githubEnv(home, 'acme/widgets', { idTokenPermission: false }),
    );
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('ID_TOKEN_PERMISSION_MISSING:error');
    expect(statuses(result)).toMatchObject({ '@chk/core': 'ready', 'chk-utils': 'ready' });
    expect(result.stderr).toMatch(/^::error title=ID_TOKEN_PERMISSION_MISSING::/m);
    expect(treeHash(dir)).toBe(before);
  });

  it('RUNNER_NOT_GITHUB_HOSTED on a self-hosted runner', async () => {
    const result = await check(
      dir,
      ['--json'],
      githubEnv(home, 'acme/widgets', { runnerEnvironment: 'self-hosted' }),
    );
    expect(result.code).toBe(1);
    expect(result.json?.environment.runner).toBe('self-hosted');
    expect(envCodes(result)).toContain('RUNNER_NOT_GITHUB_HOSTED:error');
    expect(envCodes(result)).not.toContain('ID_TOKEN_PERMISSION_MISSING:error');
  });

  it('--filter selects by glob, and !glob excludes', async () => {
    const scoped = await check(dir, ['--json', '--filter', '@chk/*'], githubEnv(home, 'acme/widgets'));
    expect(scoped.code, scoped.stderr).toBe(0);
    expect(Object.keys(statuses(scoped))).toEqual(['@chk/core']);

    const excluded = await check(
      dir,
      ['--json', '--filter', '!chk-docs', '--filter', '!chk-cli'],
      githubEnv(home, 'acme/widgets'),
    );
    expect(excluded.code, excluded.stderr).toBe(0);
    expect(statuses(excluded)).toEqual({ '@chk/core': 'ready', 'chk-utils': 'ready' });
  });

  it('--filter leaving out an unpublished dependency blocks its dependent (DEPENDENCY_BLOCKED)', async () => {
    const result = await check(dir, ['--json', '--filter', 'chk-utils'], githubEnv(home, 'acme/widgets'));
    expect(result.code).toBe(1);
    expect(statuses(result)).toEqual({ 'chk-utils': 'blocked' });
    expect(codes(result, 'chk-utils')).toEqual(['DEPENDENCY_BLOCKED']);
  });
});

describe.concurrent('provenant check: package rules', () => {
  it('reports each package problem with its code, blocks dependents, annotates package.json files', async () => {
    const dir = await fixture({
      packages: [
        { name: '@chk2/restricted' }, // scoped, first publish, no access → ACCESS_NOT_PUBLIC
        { name: '@chk2/old' }, // scoped, an older version is published → not a first publish
        { name: 'chk2-norepo', repository: false },
        {
          name: 'chk2-case',
          repository: {
            type: 'git',
            url: 'git+https://github.com/Acme/Widgets.git',
            directory: 'packages/chk2-case',
          },
        },
        { name: 'chk2-noprov', publishConfig: { provenance: false } },
        { name: 'chk2-app', dependencies: { '@chk2/restricted': '^1.0.0' } },
      ],
    });
    const before = treeHash(dir);
    const result = await check(dir, ['--json'], githubEnv(home, 'acme/widgets'));
    expect(result.code).toBe(1);
    expect(envCodes(result)).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
    expect(statuses(result)).toEqual({
      '@chk2/old': 'ready',
      '@chk2/restricted': 'blocked',
      'chk2-app': 'blocked',
      'chk2-case': 'blocked',
      'chk2-noprov': 'blocked',
      'chk2-norepo': 'blocked',
    });
    expect(codes(result, '@chk2/restricted')).toEqual(['ACCESS_NOT_PUBLIC']);
    expect(codes(result, '@chk2/old')).toEqual([]);
    expect(codes(result, 'chk2-norepo')).toEqual(['REPOSITORY_MISSING']);
    expect(codes(result, 'chk2-case')).toEqual(['REPOSITORY_MISMATCH']);
    expect(codes(result, 'chk2-noprov')).toEqual(['PROVENANCE_DISABLED']);
    expect(codes(result, 'chk2-app')).toEqual(['DEPENDENCY_BLOCKED']);
    // every problem has a hint to paste
    for (const pkg of result.json?.packages ?? []) for (const p of pkg.problems) expect(p.hint).toBeTruthy();
    expect(result.json?.summary).toMatchObject({ total: 6, ready: 1, blocked: 5 });
    expect(result.stderr).toContain('::error file=packages/restricted/package.json,title=ACCESS_NOT_PUBLIC');
    expect(result.stderr).toContain(
      '::error file=packages/chk2-norepo/package.json,title=REPOSITORY_MISSING',
    );
    expect(result.stderr).not.toContain('file=packages/old/package.json');
    expect(treeHash(dir)).toBe(before);

    // --access public on the command line lifts ACCESS_NOT_PUBLIC, and with it DEPENDENCY_BLOCKED
    const publicAccess = await check(
      dir,
      ['--json', '--access', 'public', '--filter', '@chk2/*', '--filter', 'chk2-app'],
      githubEnv(home, 'acme/widgets'),
    );
    expect(publicAccess.code, publicAccess.stderr).toBe(0);
    expect(statuses(publicAccess)).toEqual({
      '@chk2/old': 'ready',
      '@chk2/restricted': 'ready',
      'chk2-app': 'ready',
    });
  });

  it('no CI: CI_NOT_DETECTED is a warning and the exit code stays 0', async () => {
    const dir = await fixture({ packages: healthy('chk3') });
    const result = await check(dir, ['--json'], localEnv(home));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json?.environment).toMatchObject({ ci: 'none', repository: null, runner: null });
    expect(envCodes(result).sort()).toEqual(['CI_NOT_DETECTED:warning', 'REGISTRY_NO_PROVENANCE:warning']);
    expect(statuses(result)).toMatchObject({ '@chk3/core': 'ready', 'chk3-utils': 'ready' });
    expect(result.stderr).not.toContain('::error');
  });

  it('AUTH_MISSING when no token is configured for the registry (exit 1), none when one is', async () => {
    const dir = await fixture({ packages: healthy('chk4') }, false);
    const before = treeHash(dir);
    const missing = await check(dir, ['--json'], githubEnv(home, 'acme/widgets'));
    expect(missing.code).toBe(1);
    expect(envCodes(missing)).toContain('AUTH_MISSING:error');
    expect(statuses(missing)).toMatchObject({ '@chk4/core': 'ready', 'chk4-utils': 'ready' });

    const viaFlag = await check(dir, ['--json', '--registry', registry.url], githubEnv(home, 'acme/widgets'));
    expect(envCodes(viaFlag)).toContain('AUTH_MISSING:error');
    expect(treeHash(dir)).toBe(before);

    // a token in the user's .npmrc counts too
    const userHome = await tempDir(rig, 'check-home-token');
    await writeNpmrc(userHome, registry);
    const present = await check(dir, ['--json'], githubEnv(userHome, 'acme/widgets'));
    expect(present.code, present.stderr).toBe(0);
    expect(envCodes(present)).not.toContain('AUTH_MISSING:error');
  });
});

describe.concurrent('provenant check under GitLab CI', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await fixture({ repository: GITLAB_REPO, packages: healthy('chk-gl') });
  });

  it('with SIGSTORE_ID_TOKEN: ready, exit 0', async () => {
    const result = await check(dir, ['--json'], gitlabEnv(home, 'acme/widgets'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.json?.environment).toMatchObject({ ci: 'gitlab-ci', repository: GITLAB_REPO });
    expect(envCodes(result)).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
    expect(statuses(result)).toEqual({
      '@chk-gl/core': 'ready',
      'chk-gl-utils': 'ready',
      'chk-gl-cli': 'skipped',
      'chk-gl-docs': 'skipped',
    });
    expect(result.stderr).not.toContain('::error'); // GitHub annotations only under GitHub Actions
  });

  it('without SIGSTORE_ID_TOKEN: GITLAB_SIGSTORE_TOKEN_MISSING, exit 1', async () => {
    const before = treeHash(dir);
    const result = await check(dir, ['--json'], gitlabEnv(home, 'acme/widgets', false));
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('GITLAB_SIGSTORE_TOKEN_MISSING:error');
    expect(statuses(result)).toMatchObject({ '@chk-gl/core': 'ready' });
    expect(treeHash(dir)).toBe(before);
  });

  it('a GitHub repository.url under a GitLab project: REPOSITORY_MISMATCH', async () => {
    const result = await check(
      dir,
      ['--json', '--filter', 'chk-gl-utils', '--filter', '@chk-gl/core'],
      gitlabEnv(home, 'acme/other'),
    );
    expect(result.code).toBe(1);
    expect(codes(result, 'chk-gl-utils')).toContain('REPOSITORY_MISMATCH');
    expect(codes(result, '@chk-gl/core')).toContain('REPOSITORY_MISMATCH');
  });
});
