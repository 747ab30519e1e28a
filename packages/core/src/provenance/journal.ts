import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { ProvenantError } from '../errors.js';
import { diffEdit } from './journal-edit.js';
import {
  checkEntryPath,
  journalPath,
  readJournal,
  removeJournalFile,
  toPosix,
  writeJournal,
  type JournalData,
  type JournalEntry,
} from './journal-file.js';
import { originalBytes, restoreEntries, writeAtomically, type RestoreOutcome } from './journal-restore.js';

export { journalDir, journalPath, readJournal, type JournalData, type JournalEntry } from './journal-file.js';
export { restoreEntries, restoreFromJournal, type RestoreOutcome } from './journal-restore.js';

/**
 * The rollback journal of a release. Before Provenant changes a file it
 * records the file's exact bytes (or that it did not exist) here, flushed to
 * disk, so the change can be undone after success, failure, a signal — or,
 * via `provenant restore`, after the process was killed outright.
 *
 * The journal lives where git ignores it: `.git/provenant/` when the root is
 * a git work tree, else `node_modules/.cache/provenant/`. It is deleted once
 * every file is back.
 *
 * A `Journal` is the journal of the running release.
 */
export class Journal {
  readonly root: string;
  private readonly data: JournalData;
  private closed = false;

  private constructor(root: string, data: JournalData) {
    this.root = root;
    this.data = data;
  }

  /**
   * Starts a journal. Refuses when one is already there: another release is
   * running, or one was killed and `provenant restore` has not been run.
   */
  static begin(root: string, command = 'release'): Journal {
    const existing = readJournal(root);
    if (existing !== null) {
      throw new ProvenantError(
        'RELEASE_IN_PROGRESS',
        `A release journal from ${existing.startedAt} (pid ${existing.pid}) is still at ${journalPath(root)}.`,
        {
          hint: 'If no other release is running, run `provenant restore` to put its files back, then try again.',
        },
      );
    }
    const journal = new Journal(root, {
      version: 1,
      pid: process.pid,
      startedAt: new Date().toISOString(),
      command,
      entries: [],
    });
    return journal;
  }

  get entries(): readonly JournalEntry[] {
    return this.data.entries;
  }

  /** Records `file`'s current state; call before changing it. Recording twice keeps the first state. */
  record(file: string): void {
    if (this.closed) throw new Error('journal already restored');
    const abs = resolve(this.root, file);
    const path = toPosix(relative(this.root, abs));
    checkEntryPath(this.root, path);
    if (this.data.entries.some((e) => e.path === path)) return;
    let entry: JournalEntry;
    if (existsSync(abs)) {
      entry = {
        path,
        existed: true,
        content: readFileSync(abs).toString('base64'),
        mode: statSync(abs).mode,
      };
    } else {
      entry = { path, existed: false, content: null, mode: null };
    }
    this.data.entries.push(entry);
    this.flush();
  }

  /**
   * Records, then writes `content` to `file`. An existing file is journaled as
   * the span that changes, so a token elsewhere in it never reaches the journal.
   */
  write(file: string, content: string | Buffer): void {
    const abs = resolve(this.root, file);
    const path = toPosix(relative(this.root, abs));
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const known = this.data.entries.find((e) => e.path === path);
    if (known?.edit) {
      // Written again: keep one edit, from the original bytes to the newest.
      known.edit = diffEdit(originalBytes(known, readFileSync(abs)), bytes);
      this.flush();
    } else if (!known && existsSync(abs)) {
      checkEntryPath(this.root, path);
      if (this.closed) throw new Error('journal already restored');
      const before = readFileSync(abs);
      this.data.entries.push({
        path,
        existed: true,
        content: null,
        edit: diffEdit(before, bytes),
        mode: statSync(abs).mode,
      });
      this.flush();
    } else {
      this.record(file);
    }
    mkdirSync(dirname(abs), { recursive: true });
    writeAtomically(abs, bytes);
  }

  /** Restores every recorded file and deletes the journal (kept if anything failed). Idempotent. */
  restore(): RestoreOutcome {
    if (this.closed) return { restored: [], failed: [] };
    const outcome = restoreEntries(this.root, this.data.entries);
    if (outcome.failed.length === 0) {
      this.closed = true;
      removeJournalFile(this.root);
    }
    return outcome;
  }

  private flush(): void {
    writeJournal(this.root, this.data);
  }
}
