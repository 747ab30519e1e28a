import type { ExecResult } from '../context.js';

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
