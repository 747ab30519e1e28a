import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCached, packageCacheDir, toolCacheDir } from './tool-cache.js';
import { NODE_VERSIONS, TOOLS, TOOL_IDS, isToolId } from './versions.js';

const cache = mkdtempSync(join(tmpdir(), 'provenant-versions-test-'));
afterAll(() => rmSync(cache, { recursive: true, force: true }));

describe('the pinned tool table', () => {
  it('pins an exact version and a sha512 integrity for everything fetched from the registry', () => {
    for (const id of TOOL_IDS) {
      const source = TOOLS[id].source;
      expect(source.version, id).toMatch(/^\d+\.\d+\.\d+$/);
      if (source.kind !== 'dependency') expect(source.integrity, id).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
    }
  });

  it('runs every tool on the host Node or on a Node it provisions', () => {
    for (const id of TOOL_IDS) {
      const node = TOOLS[id].node;
      expect(node === 'host' || Object.hasOwn(NODE_VERSIONS, String(node)), id).toBe(true);
    }
    expect(TOOLS['npm-12'].node).toBe(22);
    expect(TOOLS['changesets-3'].node).toBe(22);
    expect(TOOLS['pnpm-11'].node).toBe(22);
  });

  it('knows its ids and no others', () => {
    expect(isToolId('pnpm-12')).toBe(true);
    expect(isToolId('pnpm-13')).toBe(false);
    expect(isToolId('toString')).toBe(false);
  });
});

describe('the tool cache', () => {
  it('lives in PROVENANT_TOOL_CACHE, else ~/.cache/provenant-tools', () => {
    expect(toolCacheDir({ PROVENANT_TOOL_CACHE: '/x/y' })).toBe('/x/y');
    expect(toolCacheDir({ HOME: '/home/u' }).endsWith(join('.cache', 'provenant-tools'))).toBe(true);
  });

  it('names one folder per package version, scoped names included', () => {
    const dir = packageCacheDir({ package: '@pnpm/exe.linux-x64', version: '12.23.0' }, cache);
    expect(basename(dir)).toBe('@pnpm+exe.linux-x64@12.23.0');
    expect(join(dir, '..')).toBe(cache);
  });

  it('counts a folder as cached only once its completion marker is written', () => {
    const source = TOOLS['npm-10'].source;
    const dir = packageCacheDir(source, cache);
    mkdirSync(dir, { recursive: true });
    expect(isCached(source, cache)).toBe(false);
    writeFileSync(join(dir, '.provenant-complete'), 'npm@10.9.9\n');
    expect(isCached(source, cache)).toBe(true);
  });
});
