import { redact } from '@provenant/core';

/**
 * Where text goes. With `--json`, stdout carries the JSON report alone and
 * everything human goes to stderr. All text passes through redaction.
 */
export interface Output {
  readonly json: boolean;
  readonly color: boolean;
  /** Human-readable lines (stdout, or stderr under --json). */
  human(text: string): void;
  /** Diagnostics, warnings, GitHub annotations: always stderr. */
  diag(text: string): void;
  /** The JSON report: stdout. */
  data(text: string): void;
}

export interface Streams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function createOutput(
  streams: Streams,
  env: Readonly<Record<string, string | undefined>>,
  json: boolean,
): Output {
  const humanStream = json ? streams.stderr : streams.stdout;
  const color = useColor(humanStream, env);
  const write = (stream: NodeJS.WritableStream, text: string) => {
    stream.write(redact(text.endsWith('\n') ? text : `${text}\n`));
  };
  return {
    json,
    color,
    human: (text) => write(humanStream, text),
    diag: (text) => write(streams.stderr, text),
    data: (text) => write(streams.stdout, text),
  };
}

export function useColor(
  stream: { isTTY?: boolean },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

export interface Painter {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function painter(color: boolean): Painter {
  const wrap = (open: number, close: number) => (s: string) =>
    color ? `\u001b[${open}m${s}\u001b[${close}m` : s;
  return {
    red: wrap(31, 39),
    green: wrap(32, 39),
    yellow: wrap(33, 39),
    dim: wrap(2, 22),
    bold: wrap(1, 22),
  };
}
