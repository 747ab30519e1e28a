import type { Context } from '@provenant/core';
import type { FlagSpec, ParsedArgs } from '../args.js';
import type { CommonOptions } from '../common-options.js';
import type { Output } from '../output.js';

export interface CommandInput {
  args: ParsedArgs;
  options: CommonOptions;
  output: Output;
  ctx: Context;
  /** Aborted on SIGINT/SIGTERM; commands that change files must restore them. */
  signal: AbortSignal;
}

/** One CLI command: its flags, its help, and what it does. Returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  flags: FlagSpec;
  positionals: boolean;
  run(input: CommandInput): Promise<number>;
}
