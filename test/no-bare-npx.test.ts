// The unscoped npm name `provenant` belongs to an unrelated project (SPEC §1
// "Names on the registry"). No tracked Markdown/YAML file, no hint the built
// code can print, and no help text may tell a user to run it through a tool
// that downloads a missing package (bare `npx provenant` and its cousins).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, makeWorkspace, removeDir } from '../packages/testing/dist/index.js';
import { localEnv } from './helpers/check-rig.js';
import { REPO_ROOT, runCli } from './helpers/run-cli.js';
import { findUnsafeRuns } from './helpers/unsafe-run.js';

const CLI_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'packages/cli/package.json'), 'utf8')) as { version: string }
).version;

describe('the unsafe-run detector', () => {
  it.each([
    'npx provenant check',
    'run `npx provenant release` in CI',
    '      - run: npx provenant release',
    'npx -y provenant@0.1.1 check',
    'npx --yes provenant',
    'npx -p provenant provenant check',
    'npx --package=provenant provenant check',
    'pnpm dlx provenant check',
    'yarn dlx provenant',
    'bunx provenant',
    'pnpx provenant',
    'npm exec provenant -- check',
    'npm exec -- provenant check',
    'npm x provenant',
    'Run \\`npx provenant release\\` in a GitHub Actions job',
  ])('flags %j', (text) => {
    expect(findUnsafeRuns(text)).toHaveLength(1);
  });

  it.each([
    'npx @provenant/cli@0.1.0 check',
    'npx -y @provenant/cli@0.1.0 release --tag provenant',
    'pnpm exec provenant release',
    'npm exec --no -- provenant check',
    'yarn provenant check',
    'node packages/cli/bin/provenant.js check',
    'npx changeset version',
    'the unscoped npm name `provenant` belongs to an unrelated project',
    'npx provenant-other',
  ])('passes %j', (text) => {
    expect(findUnsafeRuns(text)).toEqual([]);
  });
});

describe('no doc, example, workflow or hint runs the unscoped provenant', () => {
  it('tracked Markdown and YAML files', () => {
    const files = execFileSync('git', ['ls-files', '-z', '*.md', '*.mdx', '*.yml', '*.yaml'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    })
      .split('\0')
      .filter(Boolean);
    // The README, the examples' workflows and their READMEs are all in the scan.
    expect(files).toEqual(
      expect.arrayContaining(['README.md', 'examples/pnpm/.github/workflows/release.yml']),
    );
    const offenders = files.flatMap((file) =>
      findUnsafeRuns(readFileSync(join(REPO_ROOT, file), 'utf8')).map(
        (hit) => `${file}:${hit.line}: ${hit.text}`,
      ),
    );
    expect(offenders).toEqual([]);
  });

  it('strings in the built core and CLI (every hint the CLI can print)', () => {
    const offenders: string[] = [];
    let scanned = 0;
    for (const pkg of ['core', 'cli']) {
      const dist = join(REPO_ROOT, 'packages', pkg, 'dist');
      for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.js')) continue;
        scanned += 1;
        for (const hit of findUnsafeRuns(readFileSync(join(dist, file), 'utf8')))
          offenders.push(`${pkg}/dist/${file}:${hit.line}: ${hit.text}`);
      }
    }
    expect(scanned).toBeGreaterThan(20);
    expect(offenders).toEqual([]);
  });

  describe('what the CLI prints', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await makeTempDir('no-bare-npx');
      await makeWorkspace(dir, { packages: [{ name: 'nbn-a' }] });
    });
    afterAll(() => removeDir(dir));

    it('the CI_NOT_DETECTED hint names the scoped CLI at its own version', async () => {
      const result = await runCli(
        ['check', '--json', '--registry', 'http://127.0.0.1:9/', '--registry-timeout', '2'],
        {
          cwd: dir,
          env: localEnv(dir),
        },
      );
      const problem = result.json?.environment.problems.find((p) => p.code === 'CI_NOT_DETECTED');
      expect(problem?.hint).toContain(`npx @provenant/cli@${CLI_VERSION} release`);
      const hints = [
        ...(result.json?.environment.problems ?? []),
        ...(result.json?.packages ?? []).flatMap((p) => p.problems),
      ].map((p) => p.hint ?? '');
      expect(hints.flatMap((h) => findUnsafeRuns(h))).toEqual([]);
    });

    it.each(['', 'check', 'release', 'verify', 'restore'])('help of %j', async (command) => {
      const result = await runCli([...(command ? [command] : []), '--help']);
      expect(result.stdout).toContain('provenant');
      expect(findUnsafeRuns(result.stdout)).toEqual([]);
    });
  });
});
