// `provenant release` as changesets/action and a person in a terminal run it:
// no --json, so stdout carries the human report (and `New tag:` lines); the
// JSON report goes to a --report file in a fresh folder outside the repository.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir } from '../../packages/testing/dist/index.js';
import type { Report } from '../../packages/core/dist/index.js';
import { signingEnv, trustFlags, type Rig } from '../release-helpers.js';
import { runCli, type CliResult } from './run-cli.js';

export interface HumanRelease extends CliResult {
  report: Report;
}

/** A fresh folder outside any repository, removed with the rig. */
export async function scratchDir(rig: Rig): Promise<string> {
  const dir = await makeTempDir('release-out');
  rig.temp.push(dir);
  return dir;
}

export async function releaseHuman(
  rig: Rig,
  dir: string,
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<HumanRelease> {
  const reportFile = join(await scratchDir(rig), 'report.json');
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
