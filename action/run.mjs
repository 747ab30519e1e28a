// The Action's one step: check the inputs, install @provenant/cli at the Action's version
// (into $RUNNER_TEMP, outside the user's repository), run the command with a JSON report,
// then write the outputs. The CLI itself writes the Markdown summary ($GITHUB_STEP_SUMMARY)
// and the ::error annotations. Exits with the CLI's exit code, 2 for a bad input.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, outputFileText, outputsOf, readInputs, reportFlag } from './inputs.mjs';

const actionRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = process.env;

/** @param {string} text */
const escapeData = (text) => text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/**
 * The Action's own error: an annotation titled with a stable code, then exit 2 (usage).
 * @param {string} code
 * @param {string} message
 */
function fail(code, message) {
  process.stdout.write(`::error title=${code}::Provenant Action: ${escapeData(message)}\n`);
  process.exit(2);
}

/** Installs @provenant/cli@version once per job; returns its bin. */
function installCli(version) {
  const prefix = path.join(env.RUNNER_TEMP || tmpdir(), `provenant-cli-${version}`);
  const bin = path.join(prefix, 'node_modules', '@provenant', 'cli', 'bin', 'provenant.js');
  if (existsSync(bin)) return bin;
  mkdirSync(prefix, { recursive: true });
  // Its own manifest: npm must not walk up into the repository's workspace or .npmrc.
  writeFileSync(path.join(prefix, 'package.json'), '{ "name": "provenant-action-cli", "private": true }\n');
  process.stdout.write(`::group::npm install @provenant/cli@${version}\n`);
  const result = spawnSync(
    'npm',
    // --ignore-scripts: nothing in the CLI's tree needs one, and this job may hold id-token: write.
    [
      'install',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      `@provenant/cli@${version}`,
    ],
    { cwd: prefix, stdio: 'inherit', env },
  );
  process.stdout.write('::endgroup::\n');
  if (result.status !== 0 || !existsSync(bin))
    fail(
      'ACTION_CLI_INSTALL_FAILED',
      `npm install @provenant/cli@${version} failed (exit ${result.status}).`,
    );
  return bin;
}

let inputs;
try {
  inputs = readInputs(env);
} catch (error) {
  if (error instanceof InputError) fail(error.code, error.message);
  throw error;
}
const cwd = path.resolve(inputs.workingDirectory);
if (!existsSync(cwd) || !statSync(cwd).isDirectory())
  fail(
    'ACTION_INPUT_INVALID',
    `Input "working-directory" is "${inputs.workingDirectory}", which is not a folder of the checkout.`,
  );
const version =
  inputs.version ??
  JSON.parse(readFileSync(path.join(actionRoot, 'packages', 'cli', 'package.json'), 'utf8')).version;

const bin = installCli(version);
const userReport = reportFlag(inputs.args);
const reportPath = userReport
  ? path.resolve(cwd, userReport)
  : path.join(env.RUNNER_TEMP || tmpdir(), `provenant-${inputs.command}-${randomUUID()}.json`);
const args = [bin, inputs.command, ...inputs.args, ...(userReport ? [] : ['--report', reportPath])];
const run = spawnSync(process.execPath, args, { cwd, stdio: 'inherit', env });

let report = null;
try {
  report = JSON.parse(readFileSync(reportPath, 'utf8'));
} catch {
  report = null; // a usage error (exit 2) ends before the report
}
const outputs = outputsOf(report, reportPath);
if (env.GITHUB_OUTPUT)
  appendFileSync(env.GITHUB_OUTPUT, outputFileText(outputs, `provenant_${randomUUID()}`));
else for (const [name, value] of Object.entries(outputs)) process.stdout.write(`${name}: ${value}\n`);
process.exit(run.status ?? (run.signal ? 130 : 1));
