import type { ExecFn } from '../../context.js';

/**
 * An exec that answers `<bin> --version` from a table keyed by the binary's name or path
 * (`null`: it cannot start, as a missing binary), noting each call in `calls`.
 */
export const fakeExec =
  (versions: Record<string, string | null>, calls: string[] = []): ExecFn =>
  (file, args) => {
    calls.push(`${file} ${args.join(' ')}`);
    const key = Object.keys(versions).find((k) => file === k || file.endsWith(`/${k}`));
    const v = key === undefined ? null : versions[key];
    return Promise.resolve(
      v === null || v === undefined
        ? { exitCode: 127, stdout: '', stderr: '', failedToStart: `spawn ${file} ENOENT` }
        : { exitCode: 0, stdout: `${v}\n`, stderr: '' },
    );
  };
