import { createHash } from 'node:crypto';

/**
 * A file change kept as the one span that differs, not as the whole file.
 * A journal of whole files would copy a `.npmrc`'s token into `.git/`; the
 * span Provenant edits (a `provenance=true` line, a `publishConfig` key)
 * holds none, and the hash of the original proves the undo exact.
 */
export interface FileEdit {
  /** Byte offset where old and new first differ. */
  at: number;
  /** Original bytes of the span, base64. */
  removed: string;
  /** The bytes Provenant put there, base64. */
  inserted: string;
  /** sha512 (hex) of the whole original file. */
  originalSha512: string;
}

export function sha512(bytes: Buffer): string {
  return createHash('sha512').update(bytes).digest('hex');
}

export function diffEdit(before: Buffer, after: Buffer): FileEdit {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) {
    suffix++;
  }
  return {
    at: prefix,
    removed: before.subarray(prefix, before.length - suffix).toString('base64'),
    inserted: after.subarray(prefix, after.length - suffix).toString('base64'),
    originalSha512: sha512(before),
  };
}

/**
 * The original bytes, from the file as it is now: unchanged (the write never
 * happened) or carrying exactly our edit. Null when someone else changed it
 * too, so the undo cannot be proved exact.
 */
export function undoEdit(current: Buffer, edit: FileEdit): Buffer | null {
  if (sha512(current) === edit.originalSha512) return current;
  const inserted = Buffer.from(edit.inserted, 'base64');
  const span = current.subarray(edit.at, edit.at + inserted.length);
  if (!span.equals(inserted)) return null;
  const original = Buffer.concat([
    current.subarray(0, edit.at),
    Buffer.from(edit.removed, 'base64'),
    current.subarray(edit.at + inserted.length),
  ]);
  return sha512(original) === edit.originalSha512 ? original : null;
}
