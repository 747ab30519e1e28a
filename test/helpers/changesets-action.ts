// What changesets/action concludes from a publish command, read the way it
// reads it (its src/run.ts, v1.x and v2.x; written here in our words):
// - v1 splits the command's stdout on "\n" and, in a monorepo, takes every
//   line matching `New tag: <name>@<version>` (name scoped or not), looks the
//   name up among the workspace packages and fails the job when it is not one;
//   in a single-package repo any `New tag:` line means "the package was
//   published" and it pushes `v<version>`.
// - v2 passes CHANGESETS_OUTPUT=<file> and reads newline-delimited JSON events
//   `{"type":"git-tag","tag","packageName"}` from it; other lines are ignored,
//   a line that is not JSON fails the job.
import { readFileSync } from 'node:fs';

const NEW_TAG = /New tag:\s+(@[^/]+\/[^@]+|[^/]+)@(\S+)/;

export interface ActionRelease {
  name: string;
  /** The tag the action pushes and releases. */
  tag: string;
}

/** changesets/action v1: the packages it would release, from the publish command's stdout. */
export function releasesFromStdout(
  stdout: string,
  workspace: { single: boolean; packages: ReadonlyArray<{ name: string; version: string }> },
): ActionRelease[] {
  const lines = stdout.split('\n');
  if (workspace.single) {
    const pkg = workspace.packages[0]!;
    return lines.some((l) => l.includes('New tag:')) ? [{ name: pkg.name, tag: `v${pkg.version}` }] : [];
  }
  const byName = new Map(workspace.packages.map((p) => [p.name, p]));
  const out: ActionRelease[] = [];
  for (const line of lines) {
    const match = NEW_TAG.exec(line);
    if (!match) continue;
    const pkg = byName.get(match[1]!);
    if (!pkg) throw new Error(`changesets/action would fail: package "${match[1]}" not found`);
    out.push({ name: pkg.name, tag: `${pkg.name}@${pkg.version}` });
  }
  return out;
}

/** changesets/action v2: the releases it would make from the CHANGESETS_OUTPUT file. */
export function releasesFromOutputFile(file: string): ActionRelease[] {
  const out: ActionRelease[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (/^\s*$/.test(line)) continue;
    const event = JSON.parse(line) as { type?: unknown; tag?: unknown; packageName?: unknown };
    if (event.type === 'git-tag' && typeof event.tag === 'string' && typeof event.packageName === 'string')
      out.push({ name: event.packageName, tag: event.tag });
  }
  return out;
}
