// `provenant release` as changesets/action and a person in a terminal run it:
// no --json, so stdout carries the human report (and `New tag:` lines); the
// JSON report goes to a --report file in a fresh folder outside the repository.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../../packages/core/dist/index.js';
import { signingEnv, tempDir, trustFlags, type Rig } from './rig.js';
import { runCli, type CliResult } from './run-cli.js';

export interface HumanRelease extends CliResult {
  report: Report;
}

export async function releaseHuman(
  rig: Rig,
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<HumanRelease> {
  const reportFile = join(await tempDir(rig, 'release-out'), 'report.json');
  const result = await runCli(
    [
      'release',
      '--report',
      reportFile,
      ...trustFlags(rig),
      '--verify-timeout',
      '20',
      '--access',
      'public',
      ...args,
    ],
    { cwd: dir, env: signingEnv(rig, env), timeoutMs: 170_000 },
  );
  let report: Report;
  try {
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
  } catch {
    throw new Error(`release wrote no report (exit ${result.code}): ${result.stderr}`);
  }
  return { ...result, report };
}
