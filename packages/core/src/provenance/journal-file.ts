import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  rmdirSync,
  statSync,
  writeSync,
} from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ProvenantError, messageOf } from '../errors.js';
import type { FileEdit } from './journal-edit.js';

// Where the release journal lives (see journal.ts), and how it is read, written and removed.

/** One file the journal can put back. */
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

export function checkEntryPath(root: string, path: string): string {
  const abs = resolve(root, path);
  const rel = relative(root, abs);
  if (typeof path !== 'string' || rel.startsWith('..') || isAbsolute(rel)) {
    throw new Error(`entry ${JSON.stringify(path)} points outside the monorepo`);
  }
  return abs;
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** Writes a file so that a crash leaves either the old or the new content. */
export function writeDurably(file: string, text: string): void {
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

export function removeJournalFile(root: string): void {
  const dir = journalDir(root);
  rmSync(join(dir, JOURNAL_FILE), { force: true });
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone: leave it
  }
}

/** Writes the journal of `root` durably (its folder created when missing). */
export function writeJournal(root: string, data: JournalData): void {
  const dir = journalDir(root);
  mkdirSync(dir, { recursive: true });
  writeDurably(join(dir, JOURNAL_FILE), `${JSON.stringify(data)}\n`);
}
