import { describe, expect, it } from 'vitest';
import { diffEdit, undoEdit } from './journal-edit.js';

const b = (s: string) => Buffer.from(s);

describe('journal edits', () => {
  it.each([
    ['append a line', '//r/:_authToken=SECRET\n', '//r/:_authToken=SECRET\nprovenance=true\n'],
    ['replace a value', 'a=1\nprovenance=false\nb=2\n', 'a=1\nprovenance=true\nb=2\n'],
    ['no final newline', 'registry=x', 'registry=x\nprovenance=true\n'],
    ['empty file', '', 'provenance=true\n'],
    ['repeated bytes', 'aaaa', 'aaaaaa'],
  ])('%s: undo gives the original bytes, and the token is not in the edit', (_name, before, after) => {
    const edit = diffEdit(b(before), b(after));
    expect(undoEdit(b(after), edit)?.toString()).toBe(before);
    expect(undoEdit(b(before), edit)?.toString()).toBe(before);
    const stored =
      Buffer.from(edit.removed, 'base64').toString() + Buffer.from(edit.inserted, 'base64').toString();
    expect(stored).not.toContain('SECRET');
  });

  it('refuses when the file was changed by someone else as well', () => {
    const edit = diffEdit(b('a=1\n'), b('a=1\nprovenance=true\n'));
    expect(undoEdit(b('a=2\nprovenance=true\n'), edit)).toBeNull();
  });
});
