import { readFileSync } from 'node:fs';
import type { Context } from '@provenant/core';
import type { Streams } from './output.js';

/** The CLI's own package.json version, so a changesets bump needs no code change. */
export const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface MainDeps {
  streams?: Streams;
  ctx?: Context;
  /** Install SIGINT/SIGTERM handlers (the real CLI does; in-process tests may not). */
  handleSignals?: boolean;
}

/**
 * Runs the CLI and returns its exit code. `--version` answers before anything else loads:
 * the commands and @provenant/core (Sigstore, execa, manypkg: ~350 ms of CPU) are imported
 * only when a command or the help runs.
 */
export async function main(argv: readonly string[], deps: MainDeps = {}): Promise<number> {
  const [name] = argv;
  if (name === '--version' || name === '-v') {
    (deps.streams ?? process).stdout.write(`${VERSION}\n`);
    return 0;
  }
  const { dispatch } = await import('./dispatch.js');
  return dispatch(argv, deps);
}
