import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { journalPath, readJournal, restoreFromJournal, ProvenantError } from '@provenant/core';
import { painter } from '../output.js';
import type { Command } from './command.js';

/**
 * The nearest folder, from `cwd` up, that has a release journal; `cwd` when
 * none has. No manifest is read: after a crash one may be half-written.
 */
export function findJournalRoot(cwd: string): string {
  for (let dir = cwd; ; dir = dirname(dir)) {
    if (existsSync(journalPath(dir))) return dir;
    if (dirname(dir) === dir) return cwd;
  }
}

export const restoreCommand: Command = {
  name: 'restore',
  summary: 'put back every file an interrupted release changed',
  usage: `Usage: provenant restore [--cwd <dir>]

Puts back, byte for byte, every file a \`release\` changed, from the journal it
keeps under the monorepo root (.git/provenant/ or node_modules/.cache/provenant/),
then deletes the journal. Use it after a release was killed (kill -9, a
cancelled CI job). Exit 0 when nothing was left to restore or all was restored.`,
  flags: {},
  positionals: false,
  run({ options, output }) {
    const root = findJournalRoot(options.cwd);
    const p = painter(output.color);
    const journal = readJournal(root);
    if (journal === null) {
      output.human(`Nothing to restore: no release journal under ${root}.`);
      if (options.json)
        output.data(
          JSON.stringify({ schemaVersion: 1, command: 'restore', restored: [], failed: [] }, null, 2),
        );
      return Promise.resolve(0);
    }
    const outcome = restoreFromJournal(root) ?? { restored: [], failed: [] };
    for (const path of outcome.restored) output.human(`${p.green('✔')} restored ${path}`);
    for (const f of outcome.failed) output.diag(`${p.red('✖')} could not restore ${f.path}: ${f.error}`);
    if (options.json)
      output.data(JSON.stringify({ schemaVersion: 1, command: 'restore', ...outcome }, null, 2));
    if (outcome.failed.length > 0) {
      throw new ProvenantError(
        'JOURNAL_INVALID',
        `Some files could not be restored; the journal ${journalPath(root)} is kept.`,
        {
          hint: 'Fix the cause (permissions?) and run provenant restore again.',
        },
      );
    }
    output.human(
      `Restored ${outcome.restored.length} file(s) changed by the release started ${journal.startedAt}.`,
    );
    return Promise.resolve(0);
  },
};
