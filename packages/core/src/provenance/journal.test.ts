import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProvenantError } from '../errors.js';
import { Journal, journalDir, journalPath, readJournal, restoreFromJournal } from './journal.js';

/** The code of the ProvenantError `fn` throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof ProvenantError ? error.code : `not a ProvenantError: ${String(error)}`;
  }
  return undefined;
}

function tree(files: Record<string, string | Buffer>, git = true): string {
  const root = mkdtempSync(join(tmpdir(), 'provenant-journal-'));
  if (git) mkdirSync(join(root, '.git'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

describe('journal location', () => {
  it('lives under .git in a git work tree', () => {
    const root = tree({});
    expect(journalDir(root)).toBe(join(root, '.git', 'provenant'));
  });
  it('follows a worktree .git file', () => {
    const root = tree({}, false);
    mkdirSync(join(root, 'real-git'));
    writeFileSync(join(root, '.git'), 'gitdir: real-git\n');
    expect(journalDir(root)).toBe(join(root, 'real-git', 'provenant'));
  });
  it('falls back to node_modules/.cache outside git', () => {
    const root = tree({}, false);
    expect(journalDir(root)).toBe(join(root, 'node_modules', '.cache', 'provenant'));
  });
});

describe('Journal', () => {
  it('records before writing, then restores bytes and modes and removes itself', () => {
    const bytes = Buffer.from([0xef, 0xbb, 0xbf, 0x7b, 0x0d, 0x0a, 0x7d, 0x00, 0xff]);
    const root = tree({ 'packages/a/package.json': bytes, '.npmrc': 'registry=x\n' });
    chmodSync(join(root, '.npmrc'), 0o600);
    const journal = Journal.begin(root);
    journal.write('packages/a/package.json', '{"changed":true}');
    journal.write(join(root, '.npmrc'), 'provenance=true\n');
    journal.write('.yarnrc.yml', 'npmPublishProvenance: true\n');

    const onDisk = readJournal(root);
    expect(onDisk?.entries.map((e) => [e.path, e.existed])).toEqual([
      ['packages/a/package.json', true],
      ['.npmrc', true],
      ['.yarnrc.yml', false],
    ]);

    const outcome = journal.restore();
    expect(outcome.failed).toEqual([]);
    expect(outcome.restored).toEqual(['.yarnrc.yml', '.npmrc', 'packages/a/package.json']);
    expect(readFileSync(join(root, 'packages/a/package.json')).equals(bytes)).toBe(true);
    expect(readFileSync(join(root, '.npmrc'), 'utf8')).toBe('registry=x\n');
    expect(statSync(join(root, '.npmrc')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(root, '.yarnrc.yml'))).toBe(false);
    expect(existsSync(journalPath(root))).toBe(false);
    expect(existsSync(journalDir(root))).toBe(false);
  });

  it('keeps the first state when a file is recorded twice', () => {
    const root = tree({ 'a.txt': 'one' });
    const journal = Journal.begin(root);
    journal.write('a.txt', 'two');
    journal.write('a.txt', 'three');
    expect(readJournal(root)?.entries).toHaveLength(1);
    journal.restore();
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('one');
  });

  it('restore is idempotent', () => {
    const root = tree({ 'a.txt': 'one' });
    const journal = Journal.begin(root);
    journal.write('a.txt', 'two');
    journal.restore();
    writeFileSync(join(root, 'a.txt'), 'edited by the user afterwards');
    expect(journal.restore().restored).toEqual([]);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('edited by the user afterwards');
  });

  it('refuses to start while a journal is left behind, and restoreFromJournal recovers it', () => {
    const root = tree({ 'a.txt': 'original' });
    const crashed = Journal.begin(root);
    crashed.write('a.txt', 'changed');
    // the process "dies" here: nothing calls crashed.restore()
    let error: unknown;
    try {
      Journal.begin(root);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ProvenantError);
    expect((error as ProvenantError).code).toBe('RELEASE_IN_PROGRESS');

    const outcome = restoreFromJournal(root);
    expect(outcome?.restored).toEqual(['a.txt']);
    expect(readFileSync(join(root, 'a.txt'), 'utf8')).toBe('original');
    expect(restoreFromJournal(root)).toBeNull();
    expect(() => Journal.begin(root)).not.toThrow();
  });

  it('rejects a corrupt journal and entries pointing outside the root', () => {
    const root = tree({});
    mkdirSync(journalDir(root), { recursive: true });
    writeFileSync(journalPath(root), '{not json');
    expect(codeOf(() => readJournal(root))).toBe('JOURNAL_INVALID');
    writeFileSync(
      journalPath(root),
      JSON.stringify({
        version: 1,
        pid: 1,
        startedAt: '',
        command: 'release',
        entries: [{ path: '../x', existed: false, content: null, mode: null }],
      }),
    );
    expect(codeOf(() => readJournal(root))).toBe('JOURNAL_INVALID');
    const journal = Journal.begin(tree({}));
    expect(() => journal.record('../escape')).toThrow();
  });

  it('writes nothing until a file is recorded', () => {
    const root = tree({});
    const journal = Journal.begin(root);
    expect(existsSync(journalPath(root))).toBe(false);
    expect(journal.restore()).toEqual({ restored: [], failed: [] });
  });
});
