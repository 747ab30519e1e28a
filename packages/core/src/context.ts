import { readFileSync } from 'node:fs';

/**
 * Side effects reach the core through this context: environment, files,
 * child processes, network and clock. `nodeContext()` binds them to the real
 * thing; unit tests pass plain objects.
 */
export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Set when the process could not be started at all (ENOENT, EACCES). */
  failedToStart?: string;
}

export interface ExecOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Replace the environment instead of extending `process.env`. */
  extendEnv?: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  input?: string;
  /** Each complete line of stderr as it arrives (the whole is still in the result). */
  onStderrLine?: (line: string) => void;
}

export type ExecFn = (file: string, args: readonly string[], options: ExecOptions) => Promise<ExecResult>;

export interface Context {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  readFile: (path: string) => string | null;
  exec: ExecFn;
  fetch: typeof fetch;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /**
   * The Node running this process (`process.execPath`, `process.version`): a publisher's Node
   * that is this very binary needs no `node --version` child. Only where `exec` is the real one.
   */
  runningNode?: { path: string; version: string } | undefined;
}

export const execReal: ExecFn = async (file, args, options) => {
  try {
    // Loaded on first use: execa costs ~160 ms to import, and most commands never spawn.
    const { execa } = await import('execa');
    const subprocess = execa(file, [...args], {
      cwd: options.cwd,
      env: options.env ?? {},
      extendEnv: options.extendEnv ?? true,
      reject: false,
      stdin: options.input === undefined ? 'ignore' : 'pipe',
      input: options.input,
      timeout: options.timeoutMs,
      cancelSignal: options.signal,
      all: false,
      stripFinalNewline: true,
    });
    if (options.onStderrLine) forEachLine(subprocess.stderr, options.onStderrLine);
    const result = await subprocess;
    if (result.failed && result.exitCode === undefined) {
      return {
        exitCode: 127,
        stdout: String(result.stdout ?? ''),
        stderr: String(result.stderr ?? ''),
        failedToStart: result.shortMessage,
      };
    }
    return {
      exitCode: result.exitCode ?? 1,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
    };
  } catch (error) {
    return { exitCode: 127, stdout: '', stderr: '', failedToStart: String(error) };
  }
};

function forEachLine(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  let partial = '';
  stream?.on('data', (chunk: Buffer | string) => {
    const lines = (partial + String(chunk)).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream?.on('end', () => {
    if (partial !== '') onLine(partial);
  });
}

export function readFileOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The network's own fetch: reads through it may be repeated on another thread (`portable`). */
export const networkFetch: typeof fetch = globalThis.fetch.bind(globalThis);

export function nodeContext(overrides: Partial<Context> = {}): Context {
  const env = overrides.env ?? process.env;
  return {
    env,
    cwd: process.cwd(),
    readFile: readFileOrNull,
    // Child processes inherit the context's environment, not the host's, so an
    // in-process run (tests, benchmarks) sees the same world as the CLI would.
    exec: (file, args, options) =>
      execReal(file, args, {
        ...options,
        env: options.extendEnv === false ? options.env : { ...env, ...options.env },
        extendEnv: false,
      }),
    fetch: networkFetch,
    runningNode: overrides.exec ? undefined : { path: process.execPath, version: process.version },
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    ...overrides,
  };
}
