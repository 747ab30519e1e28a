#!/usr/bin/env node
// node packages/testing/dist/provision/cli.js [ids…|--all]
// Fills the tool cache (idempotent; a second run downloads nothing) and prints what it holds.
import { execFileSync } from 'node:child_process';
import { ProvisionError, toolCacheDir } from './tool-cache.js';
import { provisionTool } from './provision.js';
import { isToolId, TOOL_IDS, type ToolId } from './versions.js';

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(
      `usage: node packages/testing/dist/provision/cli.js [ids…|--all]\n` +
        `tools: ${TOOL_IDS.join(', ')}\ncache: ${toolCacheDir()} (set PROVENANT_TOOL_CACHE to move it)\n`,
    );
    return argv.length === 0 ? 2 : 0;
  }
  const unknown = argv.filter((arg) => arg !== '--all' && !isToolId(arg));
  if (unknown.length > 0) {
    process.stderr.write(`unknown tool id: ${unknown.join(', ')}\nknown: ${TOOL_IDS.join(', ')}\n`);
    return 2;
  }
  const ids: ToolId[] = argv.includes('--all') ? TOOL_IDS : argv.filter(isToolId);
  const started = Date.now();
  for (const id of ids) {
    const toolStarted = Date.now();
    const tool = await provisionTool(id);
    const how = tool.fetched ? `fetched in ${((Date.now() - toolStarted) / 1000).toFixed(1)} s` : 'cached';
    process.stdout.write(
      `${id.padEnd(13)} ${tool.version.padEnd(9)} node ${tool.node.version.padEnd(8)} ${how}  ${tool.packageDir}\n`,
    );
  }
  process.stdout.write(
    `cache ${toolCacheDir()}: ${cacheSizeMb()} MB; ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
  return 0;
}

function cacheSizeMb(): string {
  try {
    return execFileSync('du', ['-sm', toolCacheDir()], { encoding: 'utf8' }).split('\t')[0] ?? '?';
  } catch {
    return '?';
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      error instanceof ProvisionError
        ? `provision: ${error.message}\n`
        : `provision failed: ${String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
