import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
// test/ is not a workspace package: reach the built core by path.
import type { Report } from '../../packages/core/dist/index.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = fileURLToPath(new URL('../../packages/cli/bin/provenant.js', import.meta.url));
export const SHARED = fileURLToPath(new URL('../../../shared', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed stdout when it is JSON, else null. */
  json: (Report & { error?: { code: string; message: string; hint: string | null } }) | null;
}

/**
 * Runs the built CLI as a user would: a separate Node process, with exactly
 * the environment given (plus PATH/HOME), bounded in time.
 */
export function runCli(
  args: readonly string[],
  options: {
    cwd?: string;
    env?: Record<string, string | undefined>;
    timeoutMs?: number;
    /** The Node that runs Provenant (default the one running the tests). */
    nodeBin?: string;
  } = {},
): Promise<CliResult> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/root',
    NO_COLOR: '1',
  };
  for (const [k, v] of Object.entries(options.env ?? {})) if (v !== undefined) env[k] = v;
  return new Promise((resolve) => {
    execFile(
      options.nodeBin ?? process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? REPO_ROOT,
        env,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        let json: CliResult['json'] = null;
        try {
          json = JSON.parse(stdout) as CliResult['json'];
        } catch {
          json = null;
        }
        resolve({ code, stdout, stderr, json });
      },
    );
  });
}
