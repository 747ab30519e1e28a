import { ProvenantError } from '../../errors.js';

/** A lockfile Provenant cannot read: names the file (and line), exit 2. */
export function lockfileError(file: string, message: string, hint?: string): ProvenantError {
  return new ProvenantError('LOCKFILE_INVALID', `${file}: ${message}`, {
    hint:
      hint ??
      `Regenerate ${file} with its package manager (npm install, pnpm install, yarn install), or point --cwd at the project root.`,
  });
}
