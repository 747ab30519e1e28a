// Every provisioned tool runs, at its pinned version, on the Node versions.ts gives it.
import { describe, expect, it } from 'vitest';
import {
  cleanEnv,
  provisionTool,
  run,
  toolchainEnv,
  TOOL_IDS,
  TOOLS,
} from '../packages/testing/dist/index.js';

describe('provisioned tools', () => {
  for (const id of TOOL_IDS) {
    it(`${id} runs at its pinned version`, async () => {
      const tool = await provisionTool(id);
      expect(tool.version).toBe(TOOLS[id].source.version);
      const env = toolchainEnv([tool], cleanEnv());
      const version = await run(tool.command, ['--version'], { cwd: tool.binDir, env, timeoutMs: 60_000 });
      expect(version.exitCode, version.all).toBe(0);
      expect(version.stdout.trim().replace(/^v/, '')).toBe(tool.version);
      // The tool's own Node is first on PATH for its children.
      const node = await run('node', ['-p', 'process.version'], { cwd: tool.binDir, env });
      const expected = TOOLS[id].node === 'host' ? process.version : `v${tool.node.version}`;
      expect(node.stdout.trim()).toBe(expected);
    });
  }
});
