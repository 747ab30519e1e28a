// `provenant check` against the publisher support matrix, end to end: the real publisher
// versions (provisioned, first on PATH) decide which provenance switches are ignored, which
// versions are unknown, whether changesets 3 sees a workspace, and which Node runs them.
// Assertions are on codes and severities from --json.
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeTempDir,
  makeWorkspace,
  provisionTool,
  provisionTools,
  removeDir,
  startRegistry,
  toolchainEnv,
  writeNpmrc,
  type Registry,
  type ToolId,
  type WorkspaceSpec,
} from '../packages/testing/dist/index.js';
import { check, envCodes, githubEnv } from './helpers/check-rig.js';

let registry: Registry;
let home: string;
const temp: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  home = await makeTempDir('check-pub-home');
  temp.push(home);
});
afterAll(async () => {
  await registry?.stop();
  await Promise.all(temp.map((d) => removeDir(d)));
});

async function fixture(
  spec: Partial<WorkspaceSpec>,
  rootManifest: Record<string, unknown> = {},
): Promise<string> {
  const dir = await makeTempDir('check-pub');
  temp.push(dir);
  await makeWorkspace(dir, {
    repository: 'https://github.com/acme/widgets',
    packages: [{ name: '@cp/a', publishConfig: { access: 'public' } }],
    rootManifest,
    ...spec,
  });
  await writeNpmrc(dir, registry);
  return dir;
}

/** A GitHub job with these provisioned tools first on PATH. */
async function jobWith(ids: ToolId[], extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const tools = await provisionTools(ids);
  const base = githubEnv(home, 'acme/widgets', {}, extra);
  return { ...base, PATH: toolchainEnv(tools, base).PATH ?? '' };
}

const only = (codes: string[], code: string) => codes.filter((c) => c.startsWith(`${code}:`));

function setRootField(dir: string, field: string, value: unknown): void {
  const path = join(dir, 'package.json');
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  writeFileSync(path, `${JSON.stringify({ ...manifest, [field]: value }, null, 2)}\n`);
}

/** An executable `name` in a fresh folder that prints `version` (a publisher Provenant does not know). */
async function fakeBin(name: string, version: string): Promise<string> {
  const dir = await makeTempDir('fake-bin');
  temp.push(dir);
  writeFileSync(join(dir, name), `#!/bin/sh\necho ${version}\n`);
  chmodSync(join(dir, name), 0o755);
  return dir;
}

describe('PROVENANCE_SWITCH_IGNORED', () => {
  const withUserSwitches = async () => {
    const dir = await fixture({
      manager: 'pnpm',
      packages: [{ name: '@cp/a', publishConfig: { access: 'public', provenance: true } }],
    });
    writeFileSync(join(dir, '.npmrc'), 'provenance=true\n', { flag: 'a' });
    return dir;
  };

  it('pnpm 11 and 12 ignore publishConfig.provenance, .npmrc provenance=true and NPM_CONFIG_PROVENANCE: a warning each, exit 0', async () => {
    const dir = await withUserSwitches();
    for (const id of ['pnpm-11', 'pnpm-12'] as const) {
      const tool = await provisionTool(id);
      setRootField(dir, 'packageManager', `pnpm@${tool.version}`);
      const result = await check(dir, ['--json'], await jobWith([id], { NPM_CONFIG_PROVENANCE: 'true' }));
      expect(result.json?.environment.publisher, id).toEqual({ name: 'pnpm', version: tool.version });
      expect(only(envCodes(result), 'PROVENANCE_SWITCH_IGNORED'), id).toEqual(
        Array(3).fill('PROVENANCE_SWITCH_IGNORED:warning'),
      );
      // Provenant's own switch for pnpm (--provenance per package plus both variables) holds anyway
      expect(result.json?.environment.provenanceVia, id).toBe('flag');
      expect(result.code, result.stderr).toBe(0);
    }
  });

  it('pnpm 9 and 10 honour those; PNPM_CONFIG_PROVENANCE is the one they ignore', async () => {
    const dir = await withUserSwitches();
    for (const id of ['pnpm-9', 'pnpm-10'] as const) {
      const tool = await provisionTool(id);
      setRootField(dir, 'packageManager', `pnpm@${tool.version}`);
      const honoured = await check(dir, ['--json'], await jobWith([id], { NPM_CONFIG_PROVENANCE: 'true' }));
      expect(honoured.json?.environment.publisher?.version, id).toBe(tool.version);
      expect(only(envCodes(honoured), 'PROVENANCE_SWITCH_IGNORED'), id).toEqual([]);
      const ignored = await check(dir, ['--json'], await jobWith([id], { PNPM_CONFIG_PROVENANCE: 'true' }));
      expect(only(envCodes(ignored), 'PROVENANCE_SWITCH_IGNORED'), id).toEqual([
        'PROVENANCE_SWITCH_IGNORED:warning',
      ]);
    }
  });
});

describe('the publisher that really runs', () => {
  it('PUBLISHER_UNSUPPORTED_VERSION (warning) for a pnpm newer than any known', async () => {
    const dir = await fixture({ manager: 'pnpm' }, { packageManager: 'pnpm@13.0.0' });
    const env = githubEnv(home, 'acme/widgets');
    const result = await check(dir, ['--json'], {
      ...env,
      PATH: `${await fakeBin('pnpm', '13.0.0')}${delimiter}${env.PATH ?? ''}`,
    });
    expect(result.json?.environment.publisher).toEqual({ name: 'pnpm', version: '13.0.0' });
    expect(only(envCodes(result), 'PUBLISHER_UNSUPPORTED_VERSION')).toEqual([
      'PUBLISHER_UNSUPPORTED_VERSION:warning',
    ]);
    expect(result.code, result.stderr).toBe(0);
  });

  it('packageManager naming a version that is not installed: PUBLISHER_NOT_FOUND when nothing runs, PACKAGE_MANAGER_MISMATCH when another version does', async () => {
    const dir = await fixture({ manager: 'pnpm' }, { packageManager: 'pnpm@12.99.0' });
    const env = githubEnv(home, 'acme/widgets');
    // no pnpm at all: only Node and npm on PATH
    const bare = await check(dir, ['--json'], { ...env, PATH: dirname(process.execPath) });
    expect(only(envCodes(bare), 'PUBLISHER_NOT_FOUND')).toEqual(['PUBLISHER_NOT_FOUND:error']);
    expect(bare.json?.environment.problems.find((p) => p.code === 'PUBLISHER_NOT_FOUND')?.hint).toContain(
      'pnpm@12.99.0',
    );
    expect(bare.code).toBe(1);
    const other = await check(dir, ['--json'], await jobWith(['pnpm-12']));
    expect(only(envCodes(other), 'PACKAGE_MANAGER_MISMATCH')).toEqual(['PACKAGE_MANAGER_MISMATCH:warning']);
  });
});

describe('changesets 3', () => {
  async function changesetsRepo(
    lockfile: boolean,
    node: 'host' | 22,
  ): Promise<{ dir: string; env: Record<string, string> }> {
    const tool = await provisionTool('changesets-3');
    const dir = await fixture({ changesets: true }, { devDependencies: { '@changesets/cli': tool.version } });
    mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
    // as an install leaves it: the package, and a link to its bin.js (run by the first `node` on PATH)
    mkdirSync(join(dir, 'node_modules', '@changesets'), { recursive: true });
    symlinkSync(tool.packageDir, join(dir, 'node_modules', '@changesets', 'cli'), 'dir');
    symlinkSync(join(tool.packageDir, 'bin.js'), join(dir, 'node_modules', '.bin', 'changeset'));
    if (lockfile) writeFileSync(join(dir, 'package-lock.json'), '{"lockfileVersion":3,"packages":{}}\n');
    const env = node === 22 ? await jobWith(['changesets-3']) : githubEnv(home, 'acme/widgets');
    return { dir, env };
  }

  it('CHANGESETS_NO_LOCKFILE for an npm workspace without package-lock.json (exit 1); none with it', async () => {
    const without = await changesetsRepo(false, 22);
    const result = await check(without.dir, ['--json'], without.env);
    expect(result.json?.environment.publisher?.name).toBe('changesets');
    expect(only(envCodes(result), 'CHANGESETS_NO_LOCKFILE')).toEqual(['CHANGESETS_NO_LOCKFILE:error']);
    expect(result.code).toBe(1);
    const withLock = await changesetsRepo(true, 22);
    const ok = await check(withLock.dir, ['--json'], withLock.env);
    expect(envCodes(ok).filter((c) => c.endsWith(':error'))).toEqual([]);
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('PUBLISHER_NODE_TOO_OLD when the node it would run on is Node 20 (error: it does not start)', async () => {
    const { dir, env } = await changesetsRepo(true, 'host');
    const result = await check(dir, ['--json'], env);
    const expected =
      Number(process.versions.node.split('.')[0]) >= 22 ? [] : ['PUBLISHER_NODE_TOO_OLD:error'];
    expect(only(envCodes(result), 'PUBLISHER_NODE_TOO_OLD')).toEqual(expected);
  });
});
