// A simulated GitHub Actions runner for `run:` steps: each step's `env:` and `if:` evaluated
// (actions-expressions.ts), its script run as GitHub runs `shell: bash`
// (`bash --noprofile --norc -eo pipefail <file>`), a fresh $GITHUB_OUTPUT per step read back
// into `steps.<id>.outputs`, one $GITHUB_STEP_SUMMARY for the job. A `uses:` step that is not
// skipped must be handled by the caller (`onUses`), else the run throws: the simulation never
// pretends to run an action it does not have.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { run } from '../../packages/testing/dist/index.js';
import { condition, interpolate, type ExpressionContext } from './actions-expressions.js';

export interface StepDefinition {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface StepRecord {
  step: StepDefinition;
  skipped: boolean;
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface JobRun {
  steps: StepRecord[];
  /** The first failing step's exit code, else 0. */
  exitCode: number;
  /** `steps.<id>` as expressions see them. */
  stepsContext: Record<string, { outputs: Record<string, string>; outcome: string }>;
}

export interface RunStepsOptions {
  /** The job's environment (GITHUB_*, RUNNER_*, PATH, …); GITHUB_OUTPUT/GITHUB_STEP_SUMMARY are set here. */
  env: Record<string, string>;
  /** Default working directory ($GITHUB_WORKSPACE). */
  cwd: string;
  /** `inputs`, `github`, `secrets`, … (`steps` is filled in as steps run). */
  context: ExpressionContext;
  /** Scratch folder for the step scripts and output files. */
  temp: string;
  /** Runs a `uses:` step that is not skipped; return its outputs and exit code. */
  onUses?: (
    step: StepDefinition,
    env: Record<string, string>,
  ) => Promise<Omit<StepRecord, 'step' | 'skipped'>>;
  timeoutMs?: number;
}

export function readYaml<T>(file: string): T {
  return parse(readFileSync(file, 'utf8')) as T;
}

/** Parses a $GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM … DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, i + 1);
      if (end === -1) throw new Error(`unterminated ${name} in GITHUB_OUTPUT`);
      outputs[name!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

export async function runSteps(steps: StepDefinition[], options: RunStepsOptions): Promise<JobRun> {
  mkdirSync(options.temp, { recursive: true });
  const summary = options.env.GITHUB_STEP_SUMMARY ?? join(options.temp, 'step-summary.md');
  writeFileSync(summary, '', { flag: 'a' });
  const stepsContext: JobRun['stepsContext'] = {};
  const records: StepRecord[] = [];
  let exitCode = 0;
  for (const step of steps) {
    const context = { ...options.context, steps: stepsContext, env: options.env };
    if (exitCode !== 0 || !condition(step.if, context)) {
      records.push({ step, skipped: true, exitCode: 0, stdout: '', stderr: '', outputs: {} });
      if (step.id) stepsContext[step.id] = { outputs: {}, outcome: 'skipped' };
      continue;
    }
    const outputFile = join(options.temp, `output-${randomUUID()}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      ...options.env,
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summary,
    };
    for (const [key, value] of Object.entries(step.env ?? {})) env[key] = interpolate(String(value), context);
    let result: Omit<StepRecord, 'step' | 'skipped'>;
    if (step.uses !== undefined) {
      if (!options.onUses) throw new Error(`the simulation cannot run uses: ${step.uses}`);
      result = await options.onUses(step, env);
    } else {
      if (step.run === undefined)
        throw new Error(`step ${step.name ?? step.id ?? '?'} has neither run nor uses`);
      if ((step.shell ?? 'bash') !== 'bash')
        throw new Error(`the simulation runs shell: bash only, not ${step.shell}`);
      const script = join(options.temp, `step-${randomUUID()}.sh`);
      writeFileSync(script, interpolate(step.run, context));
      const cwd = step['working-directory'] ? join(options.cwd, step['working-directory']) : options.cwd;
      const ran = await run('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd,
        env,
        timeoutMs: options.timeoutMs ?? 240_000,
      });
      result = {
        exitCode: ran.exitCode,
        stdout: ran.stdout,
        stderr: ran.stderr,
        outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
      };
    }
    records.push({ step, skipped: false, ...result });
    if (step.id)
      stepsContext[step.id] = {
        outputs: result.outputs,
        outcome: result.exitCode === 0 ? 'success' : 'failure',
      };
    if (result.exitCode !== 0) exitCode = result.exitCode;
  }
  return { steps: records, exitCode, stepsContext };
}
