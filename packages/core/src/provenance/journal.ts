import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ProvenantError, messageOf } from '../errors.js';
import { diffEdit, undoEdit, type FileEdit } from './journal-edit.js';

/**
 * The rollback journal of a release. Before Provenant changes a file it
 * records the file's exact bytes (or that it did not exist) here, flushed to
 * disk, so the change can be undone after success, failure, a signal — or,
 * via `provenant restore`, after the process was killed outright.
 *
 * The journal lives where git ignores it: `.git/provenant/` when the root is
 * a git work tree, else `node_modules/.cache/provenant/`. It is deleted once
 * every file is back.
 */
export interface JournalEntry {
  /** Posix path relative to the root. */
  path: string;
  /** false: the file did not exist and restoring deletes it. */
  existed: boolean;
  /** Original bytes, base64; null when the file did not exist or `edit` is kept instead. */
  content: string | null;
  /** For files Provenant itself rewrote: only the span it changed (no copy of secrets elsewhere in the file). */
  edit?: FileEdit;
  /** Original permission bits; null when the file did not exist. */
  mode: number | null;
}

export interface JournalData {
  version: 1;
  pid: number;
  startedAt: string;
  command: string;
  entries: JournalEntry[];
}

export interface RestoreOutcome {
  /** Paths (relative, posix) put back, in restore order. */
  restored: string[];
  /** Paths that could not be put back, with why; the journal is kept then. */
  failed: Array<{ path: string; error: string }>;
}

const JOURNAL_FILE = 'journal.json';

/** Where the journal of `root` lives (the folder is not created). */
export function journalDir(root: string): string {
  const git = join(root, '.git');
  try {
    const stat = statSync(git);
    if (stat.isDirectory()) return join(git, 'provenant');
    // A worktree or submodule: `.git` is a file naming the real git dir.
    const match = /^gitdir:\s*(.+)$/m.exec(readFileSync(git, 'utf8'));
    if (match?.[1]) return join(resolve(root, match[1].trim()), 'provenant');
  } catch {
    // not a git work tree
  }
  return join(root, 'node_modules', '.cache', 'provenant');
}

export function journalPath(root: string): string {
  return join(journalDir(root), JOURNAL_FILE);
}

/** The journal left by an earlier run, or null. Throws JOURNAL_INVALID when unreadable. */
export function readJournal(root: string): JournalData | null {
  const file = journalPath(root);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const data = JSON.parse(text) as JournalData;
    if (data.version !== 1 || !Array.isArray(data.entries)) throw new Error('unknown journal format');
    for (const entry of data.entries) checkEntryPath(root, entry.path);
    return data;
  } catch (error) {
    throw new ProvenantError(
      'JOURNAL_INVALID',
      `The release journal ${file} is unreadable: ${messageOf(error)}`,
      {
        hint: 'Restore the files it lists by hand (git diff shows them), then delete the journal.',
      },
    );
  }
}

function checkEntryPath(root: string, path: string): string {
  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (typeof path !== 'string' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`entry ${JSON.stringify(path)} points outside the monorepo`);
  }
  return abs;
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Replaces a work-tree file so that a kill mid-write leaves the old bytes or
 * the new, never half of each (edits are undone by proof, not by overwriting).
 */
function writeAtomically(file: string, bytes: Buffer): void {
  const tmp = tmpPathOf(file);
  writeFileSync(tmp, bytes);
  if (existsSync(file)) chmodSync(tmp, statSync(file).mode & 0o7777);
  renameSync(tmp, file);
}

/** One fixed name per file, so the restore after a kill can sweep a half-written one. */
function tmpPathOf(file: string): string {
  return `${file}.provenant.tmp`;
}

/** Writes a file so that a crash leaves either the old or the new content. */
function writeDurably(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
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

function originalBytes(entry: JournalEntry, current: Buffer | null): Buffer {
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

function removeJournalFile(root: string): void {
  const dir = journalDir(root);
  rmSync(join(dir, JOURNAL_FILE), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone: leave it
  }
}

/** The journal of the running release. */
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
    const dir = journalDir(this.root);
    mkdirSync(dir, { recursive: true });
    writeDurably(join(dir, JOURNAL_FILE), `${JSON.stringify(this.data)}\n`);
  }
}
