import { appendFileSync } from 'node:fs';
import { announcedTags, messageOf, type TagOutcome } from '@provenant/core';

/**
 * `New tag: <tag>` lines, as `changeset publish` 2.x prints them:
 * changesets/action v1 reads the publish command's stdout for exactly these
 * (one per line, nothing after the version) to learn what was published.
 * Plain text, never coloured.
 */
export function newTagLines(tags: readonly TagOutcome[]): string[] {
  return announcedTags(tags).map((t) => `New tag: ${t.tag}`);
}

/**
 * changesets/action v2 hands the publish script `CHANGESETS_OUTPUT=<file>`
 * and reads newline-delimited `git-tag` events from it (what changesets 3.x
 * writes there); appending, as several publish steps may share the file.
 * Returns why it could not be written (the publish stands either way), or null.
 */
export function appendChangesetsOutput(file: string, tags: readonly TagOutcome[]): string | null {
  const announced = announcedTags(tags);
  if (announced.length === 0) return null;
  const events = announced.map((t) => JSON.stringify({ type: 'git-tag', tag: t.tag, packageName: t.name }));
  try {
    appendFileSync(file, `${events.join('\n')}\n`);
    return null;
  } catch (error) {
    return `Cannot write CHANGESETS_OUTPUT ${file}: ${messageOf(error)}`;
  }
}
