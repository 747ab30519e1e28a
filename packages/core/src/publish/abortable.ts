import type { ExecFn, ExecResult } from '../context.js';
import type { Invocation } from './types.js';

/**
 * Stops waiting for a publisher process once the run is interrupted. The
 * process itself is killed through the exec signal, but its own children
 * (lifecycle scripts) may hold its output open for a long time; restoring
 * files must not wait for them.
 */
export const INTERRUPTED_RESULT: Readonly<ExecResult> = Object.freeze({
  exitCode: 130,
  stdout: '',
  stderr: '',
  failedToStart: 'interrupted',
});

export function untilAborted(run: Promise<ExecResult>, signal: AbortSignal | undefined): Promise<ExecResult> {
  if (!signal) return run;
  const interrupted = INTERRUPTED_RESULT;
  if (signal.aborted) return Promise.race([run, Promise.resolve(interrupted)]);
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(interrupted);
    signal.addEventListener('abort', onAbort, { once: true });
    run.then(
      (result) => {
        signal.removeEventListener('abort', onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Runs one publisher invocation with the run's environment, interruptible. */
export function runInvocation(
  deps: {
    exec: ExecFn;
    env: Readonly<Record<string, string | undefined>>;
    signal?: AbortSignal | undefined;
  },
  inv: Pick<Invocation, 'file' | 'args' | 'cwd' | 'env'>,
  onStderrLine?: (line: string) => void,
): Promise<ExecResult> {
  return untilAborted(
    deps.exec(inv.file, inv.args, {
      cwd: inv.cwd,
      env: { ...deps.env, ...inv.env },
      extendEnv: false,
      signal: deps.signal,
      ...(onStderrLine ? { onStderrLine } : {}),
    }),
    deps.signal,
  );
}
