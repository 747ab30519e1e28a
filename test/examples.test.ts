// Every example monorepo checks as its README says: the package lines of the
// README's "What `provenant check` reports" block (order, status, codes) and
// its exit code, plus the README's other claims (after a release, on your own
// machine, without a token, on GitLab without SIGSTORE_ID_TOKEN).
import { cpSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { changesetBin, prepublish, type Registry } from '../packages/testing/dist/index.js';
import { check, githubEnv, gitlabEnv, localEnv } from './helpers/check-rig.js';
import { codes, envCodes, startRig, statuses, stopRig, tempDir, treeHash, type Rig } from './helpers/rig.js';
import { REPO_ROOT } from './helpers/run-cli.js';

const EXAMPLES = join(REPO_ROOT, 'examples');
const PUBLISHER: Record<string, string> = {
  'npm-workspaces': 'npm',
  pnpm: 'pnpm',
  'yarn-berry': 'yarn',
  'changesets-pnpm': 'changesets',
};

interface ReadmePackage {
  name: string;
  version: string;
  status: string;
  codes: string[];
}

/** The package lines of the README's check report block, in order. */
function readmeReport(example: string): ReadmePackage[] {
  const readme = readFileSync(join(EXAMPLES, example, 'README.md'), 'utf8');
  const section = readme.split('## What `provenant check` reports')[1] ?? '';
  const block = /```[^\n]*\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  const out: ReadmePackage[] = [];
  for (const line of block.split('\n')) {
    const pkg = /^\s*[✔✖–]\s+(@?[^@\s]+)@(\S+)\s+(ready|blocked|skipped)\b/.exec(line);
    if (pkg) out.push({ name: pkg[1]!, version: pkg[2]!, status: pkg[3]!, codes: [] });
    const code = /^\s{4,}([A-Z][A-Z0-9_]+)\s/.exec(line);
    if (code && out.length > 0) out[out.length - 1]!.codes.push(code[1]!);
  }
  return out;
}

let rig: Rig;
let registry: Registry;

beforeAll(async () => {
  rig = await startRig();
  registry = rig.registry;
});
afterAll(async () => {
  await stopRig(rig);
});

/** A copy of the example in a temp dir. */
async function copyExample(example: string): Promise<string> {
  const dir = await tempDir(rig, `example-${example}`);
  cpSync(join(EXAMPLES, example), dir, { recursive: true });
  return dir;
}

/** What `pnpm install` gives check to see: @changesets/cli in node_modules. */
function installChangesets(dir: string): void {
  const cli = dirname(changesetBin());
  mkdirSync(join(dir, 'node_modules', '@changesets'), { recursive: true });
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(cli, join(dir, 'node_modules', '@changesets', 'cli'), 'dir');
  symlinkSync(changesetBin(), join(dir, 'node_modules', '.bin', 'changeset'));
}

/**
 * What actions/setup-node with `registry-url` sets up: a user config outside the
 * checkout whose token line reads NODE_AUTH_TOKEN (and YARN_NPM_AUTH_TOKEN for yarn).
 */
async function workflowAuth(withToken: boolean): Promise<{ home: string; env: Record<string, string> }> {
  const home = await tempDir(rig, 'example-home');
  const host = registry.url.replace(/^https?:/, '');
  writeFileSync(join(home, '.npmrc'), `registry=${registry.url}\n${host}:_authToken=\${NODE_AUTH_TOKEN}\n`);
  const env: Record<string, string> = { NPM_CONFIG_USERCONFIG: join(home, '.npmrc') };
  if (withToken) {
    env.NODE_AUTH_TOKEN = registry.token;
    env.YARN_NPM_AUTH_TOKEN = registry.token;
  }
  return { home, env };
}

describe('examples check as their READMEs say', () => {
  const examples = readdirSync(EXAMPLES).filter((e) => e in PUBLISHER);

  it('every example is covered and its README lists its packages', () => {
    expect(examples.sort()).toEqual(Object.keys(PUBLISHER).sort());
    for (const example of examples) expect(readmeReport(example).length, example).toBeGreaterThanOrEqual(3);
  });

  for (const example of Object.keys(PUBLISHER)) {
    it.concurrent(
      `${example}: in the release workflow, after a release, and on your own machine`,
      async () => {
        const expected = readmeReport(example);
        const dir = await copyExample(example);
        if (PUBLISHER[example] === 'changesets') installChangesets(dir);
        const before = treeHash(dir);
        const { home, env: auth } = await workflowAuth(true);
        const ci = githubEnv(home, `provenant-examples/${example}`, {}, auth);

        // before the first release
        const first = await check(dir, ['--json', '--registry', registry.url], ci);
        expect(first.code, first.stderr).toBe(0);
        expect(first.json?.environment.publisher?.name).toBe(PUBLISHER[example]);
        // pnpm: --provenance per package (plus both variables), which pnpm 9–12 all honour
        expect(first.json?.environment.provenanceVia).toBe(PUBLISHER[example] === 'pnpm' ? 'flag' : 'env');
        expect(envCodes(first)).toEqual(['REGISTRY_NO_PROVENANCE:warning']);
        expect(
          first.json?.packages.map(
            (p) => `${p.name}@${p.version} ${p.status} ${p.problems.map((x) => x.code).join(',')}`,
          ),
        ).toEqual(expected.map((p) => `${p.name}@${p.version} ${p.status} ${p.codes.join(',')}`));

        // after a release: the public packages are skipped with ALREADY_PUBLISHED
        const publicPackages = expected.filter((p) => p.status === 'ready');
        for (const p of publicPackages) await prepublish(registry, { name: p.name, version: p.version });
        const after = await check(dir, ['--json', '--registry', registry.url], ci);
        expect(after.code, after.stderr).toBe(0);
        for (const p of publicPackages) {
          expect(statuses(after)[p.name]).toBe('skipped');
          expect(codes(after, p.name)).toEqual(['ALREADY_PUBLISHED']);
        }

        // on your own machine: CI_NOT_DETECTED (warning); AUTH_MISSING without a token → exit 1
        const local = await check(dir, ['--json', '--registry', registry.url], localEnv(home, auth));
        expect(local.code, local.stderr).toBe(0);
        expect(envCodes(local)).toEqual(['CI_NOT_DETECTED:warning', 'REGISTRY_NO_PROVENANCE:warning']);
        const noToken = await workflowAuth(false);
        const unauthenticated = await check(
          dir,
          ['--json', '--registry', registry.url],
          localEnv(noToken.home, noToken.env),
        );
        expect(unauthenticated.code).toBe(1);
        expect(envCodes(unauthenticated)).toContain('AUTH_MISSING:error');

        expect(treeHash(dir)).toBe(before);
      },
    );
  }

  it('pnpm: on GitLab CI without SIGSTORE_ID_TOKEN, GITLAB_SIGSTORE_TOKEN_MISSING', async () => {
    const dir = await copyExample('pnpm');
    const { home, env: auth } = await workflowAuth(true);
    const result = await check(dir, ['--json', '--registry', registry.url], {
      ...gitlabEnv(home, 'provenant-examples/pnpm', false),
      ...auth,
    });
    expect(result.code).toBe(1);
    expect(result.json?.environment.ci).toBe('gitlab-ci');
    expect(envCodes(result)).toContain('GITLAB_SIGSTORE_TOKEN_MISSING:error');
  });

  it('changesets-pnpm: without installed dependencies, PUBLISHER_NOT_FOUND', async () => {
    const dir = await copyExample('changesets-pnpm');
    const { home, env: auth } = await workflowAuth(true);
    const result = await check(
      dir,
      ['--json', '--registry', registry.url],
      githubEnv(home, 'provenant-examples/changesets-pnpm', {}, auth),
    );
    expect(result.code).toBe(1);
    expect(envCodes(result)).toContain('PUBLISHER_NOT_FOUND:error');
  });
});
