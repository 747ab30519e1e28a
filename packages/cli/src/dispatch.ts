import { ProvenantError, messageOf, nodeContext, redact, type Context } from '@provenant/core';
import { COMMON_FLAGS, parseCommandArgs } from './args.js';
import type { Command } from './commands/command.js';
import { readCommonOptions } from './common-options.js';
import { commandHelp, mainHelp } from './help.js';
import { createOutput, painter, type Streams } from './output.js';
import { COMMANDS } from './commands/index.js';
import type { MainDeps } from './main.js';

/** Runs a command (or the help) and returns its exit code. The one place errors become exit codes. */
export async function dispatch(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const streams = deps.streams ?? { stdout: process.stdout, stderr: process.stderr };
  const ctx = deps.ctx ?? nodeContext();
  const [name, ...rest] = argv;
  const wantsJson = rest.includes('--json');
  const debug = argv.includes('--debug');

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    streams.stdout.write(`${mainHelp(COMMANDS)}\n`);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    return reportError(
      new ProvenantError('USAGE', `Unknown command "${name}".`, {
        hint: `Commands: ${COMMANDS.map((c) => c.name).join(', ')}. See provenant --help.`,
      }),
      streams,
      ctx,
      wantsJson,
      debug,
    );
  }

  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) return;
    controller.abort(new ProvenantError('INTERRUPTED', `Interrupted by ${signal}.`));
  };
  const installSignals = deps.handleSignals ?? deps.streams === undefined;
  if (installSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  try {
    return await runCommand(command, rest, streams, ctx, controller.signal);
  } catch (error) {
    return reportError(error, streams, ctx, wantsJson, debug);
  } finally {
    if (installSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
}

async function runCommand(
  command: Command,
  argv: readonly string[],
  streams: Streams,
  ctx: Context,
  signal: AbortSignal,
): Promise<number> {
  const flags = { ...COMMON_FLAGS, ...command.flags };
  const args = parseCommandArgs(command.name, argv, flags, command.positionals);
  if (args.values.help === true) {
    streams.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  const options = readCommonOptions(args.values, ctx);
  const output = createOutput(streams, ctx.env, options.json);
  return command.run({ args, options, output, ctx, signal });
}

function reportError(error: unknown, streams: Streams, ctx: Context, json: boolean, debug: boolean): number {
  const known = error instanceof ProvenantError;
  const err = known
    ? error
    : new ProvenantError('INTERNAL', `Unexpected error: ${messageOf(error)}`, {
        hint: 'This is a bug in Provenant. Run again with --debug and report the stack trace.',
      });
  const output = createOutput(streams, ctx.env, json);
  const p = painter(output.color);
  output.diag(`${p.red('✖')} ${p.bold(err.code)}  ${err.message}`);
  if (err.hint) output.diag(`  ${p.dim('→')} ${err.hint}`);
  if (debug && error instanceof Error && error.stack) output.diag(redact(error.stack));
  if (json) {
    output.data(
      JSON.stringify(
        { schemaVersion: 1, error: { code: err.code, message: err.message, hint: err.hint } },
        null,
        2,
      ),
    );
  }
  return err.exitCode;
}
