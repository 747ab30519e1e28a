// Runs a composite action (action.yml) the way the runner does: inputs (declared ones only,
// defaults filled in), `github.action_path` / $GITHUB_ACTION_PATH, its steps through
// actions-runner.ts, then its `outputs.*.value` expressions over the steps' outputs.
import { join } from 'node:path';
import { interpolate } from './actions-expressions.js';
import { readYaml, runSteps, type JobRun, type StepDefinition } from './actions-runner.js';

interface ActionDefinition {
  inputs?: Record<string, { required?: boolean; default?: string }>;
  outputs?: Record<string, { value: string }>;
  runs: { using: string; steps: StepDefinition[] };
}

export interface CompositeRun extends JobRun {
  outputs: Record<string, string>;
  stdout: string;
  stderr: string;
}

export async function runCompositeAction(
  actionDir: string,
  inputs: Record<string, string>,
  job: { env: Record<string, string>; cwd: string; temp: string },
): Promise<CompositeRun> {
  const action = readYaml<ActionDefinition>(join(actionDir, 'action.yml'));
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  const declared = action.inputs ?? {};
  for (const name of Object.keys(inputs))
    if (!(name in declared)) throw new Error(`input "${name}" is not declared in action.yml`);
  // The runner does not enforce `required`: a missing input is just its default (or empty).
  const values = Object.fromEntries(
    Object.entries(declared).map(([name, spec]) => [name, inputs[name] ?? spec.default ?? '']),
  );
  const github = { action_path: actionDir, workspace: job.cwd };
  const result = await runSteps(action.runs.steps, {
    env: { ...job.env, GITHUB_ACTION_PATH: actionDir },
    cwd: job.cwd,
    context: { inputs: values, github, runner: { temp: job.env.RUNNER_TEMP ?? job.temp } },
    temp: job.temp,
  });
  const outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([name, spec]) => [
      name,
      interpolate(spec.value, { steps: result.stepsContext }),
    ]),
  );
  return {
    ...result,
    outputs,
    stdout: result.steps.map((s) => s.stdout).join('\n'),
    stderr: result.steps.map((s) => s.stderr).join('\n'),
  };
}
