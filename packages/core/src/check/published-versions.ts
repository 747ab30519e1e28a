import pLimit from 'p-limit';
import { createMatcher } from '../discover/glob.js';
import type { Workspace } from '../discover/types.js';
import { isProvenantError, messageOf } from '../errors.js';
import { problem, type Problem } from '../problems.js';
import { publishedVersions, type Packument } from '../registry/packument.js';

/** What `check` needs from a registry client (the lead's `RegistryClient` fits). */
export interface PackumentSource {
  getPackument(name: string): Promise<Packument | null>;
}

/**
 * Packuments check reads: the selected public packages', and those of the
 * public workspace dependencies --filter leaves out (sorted).
 */
export function packumentsToRead(workspace: Workspace, filter: readonly string[]): string[] {
  const selected = createMatcher(filter);
  const byName = new Map(workspace.packages.map((p) => [p.name, p]));
  const wanted = new Set<string>();
  for (const pkg of workspace.packages) {
    if (pkg.private || !selected(pkg.name)) continue;
    wanted.add(pkg.name);
    for (const edge of pkg.dependencies)
      if (edge.type !== 'devDependencies' && byName.get(edge.to)?.private === false) wanted.add(edge.to);
  }
  return [...wanted].sort();
}

export interface FetchOutcome {
  published: Map<string, string[] | null>;
  problems: Problem[];
}

/** Reads packuments with a concurrency limit; stops asking once the registry proves unreachable. */
export async function fetchPublishedVersions(
  names: readonly string[],
  source: PackumentSource,
  concurrency: number,
): Promise<FetchOutcome> {
  const published = new Map<string, string[] | null>();
  const problems: Problem[] = [];
  let unreachable = false;
  let badResponses = 0;
  let firstBad: string | null = null;
  const limit = pLimit(Math.max(1, concurrency));
  await Promise.all(
    names.map((name) =>
      limit(async () => {
        if (unreachable) {
          published.set(name, null);
          return;
        }
        try {
          published.set(name, publishedVersions(await source.getPackument(name)));
        } catch (error) {
          published.set(name, null);
          if (isProvenantError(error) && error.code === 'REGISTRY_BAD_RESPONSE') {
            badResponses++;
            firstBad ??= `${name}: ${error.message}`;
            return;
          }
          if (!unreachable) {
            unreachable = true;
            problems.push(
              problem(
                'REGISTRY_UNREACHABLE',
                'error',
                messageOf(error),
                (isProvenantError(error) ? error.hint : null) ??
                  'Check the --registry URL, your network and proxy settings, then run again.',
              ),
            );
          }
        }
      }),
    ),
  );
  if (badResponses > 0) {
    problems.push(
      problem(
        'REGISTRY_BAD_RESPONSE',
        'error',
        `The registry answered ${badResponses} package request(s) with something that is not a packument (${firstBad}).`,
        'Check that --registry points at an npm registry (not a web page or proxy login), then run again.',
      ),
    );
  }
  return { published, problems };
}
