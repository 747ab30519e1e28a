import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { messageOf } from '../errors.js';
import { undoEdit } from './journal-edit.js';
import { checkEntryPath, readJournal, removeJournalFile, type JournalEntry } from './journal-file.js';

export interface RestoreOutcome {
  /** Paths (relative, posix) put back, in restore order. */
  restored: string[];
  /** Paths that could not be put back, with why; the journal is kept then. */
  failed: Array<{ path: string; error: string }>;
}

/**
 * Replaces a work-tree file so that a kill mid-write leaves the old bytes or
 * the new, never half of each (edits are undone by proof, not by overwriting).
 */
export function writeAtomically(file: string, bytes: Buffer): void {
  const tmp = tmpPathOf(file);
  writeFileSync(tmp, bytes);
  if (existsSync(file)) chmodSync(tmp, statSync(file).mode & 0o7777);
  renameSync(tmp, file);
}

/** One fixed name per file, so the restore after a kill can sweep a half-written one. */
function tmpPathOf(file: string): string {
  return `${file}.provenant.tmp`;
}

/** Puts back every entry (last change first); deletes the journal only when all succeed. */
export function restoreEntries(root: string, entries: readonly JournalEntry[]): RestoreOutcome {
  const outcome: RestoreOutcome = { restored: [], failed: [] };
  for (const entry of [...entries].reverse()) {
    try {
      const abs = checkEntryPath(root, entry.path);
      rmSync(tmpPathOf(abs), { force: true });
      if (!entry.existed) {
        if (existsSync(abs)) unlinkSync(abs);
      } else {
        const current = existsSync(abs) ? readFileSync(abs) : null;
        const bytes = originalBytes(entry, current);
        if (current === null || !current.equals(bytes)) {
          mkdirSync(dirname(abs), { recursive: true });
          writeAtomically(abs, bytes);
        }
        if (entry.mode !== null) chmodSync(abs, entry.mode & 0o7777);
      }
      outcome.restored.push(entry.path);
    } catch (error) {
      outcome.failed.push({ path: entry.path, error: messageOf(error) });
    }
  }
  return outcome;
}

export function originalBytes(entry: JournalEntry, current: Buffer | null): Buffer {
  if (!entry.edit) return Buffer.from(entry.content ?? '', 'base64');
  const original = current === null ? null : undoEdit(current, entry.edit);
  if (original === null) {
    throw new Error(
      `${entry.path} was changed by something else since Provenant edited it; its original bytes cannot be proved, so it is left as it is`,
    );
  }
  return original;
}

/** `provenant restore`: undo what an interrupted release left behind. Null when there is no journal. */
export function restoreFromJournal(root: string): RestoreOutcome | null {
  const data = readJournal(root);
  if (data === null) return null;
  const outcome = restoreEntries(root, data.entries);
  if (outcome.failed.length === 0) removeJournalFile(root);
  return outcome;
}
