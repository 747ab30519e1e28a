import { join } from 'node:path';
import type { DetectedPublisher } from '../publish/detect-publisher.js';
import { changesetsAdapter } from '../publish/changesets.js';
import { npmAdapter } from '../publish/npm.js';
import { pnpmAdapter } from '../publish/pnpm.js';
import type { PublisherAdapter } from '../publish/types.js';
import { yarnAdapter } from '../publish/yarn.js';

/** The adapter for the detected publisher; binaries come from PATH (changesets from the root's node_modules). */
export function adapterFor(publisher: DetectedPublisher, root: string): PublisherAdapter {
  switch (publisher.name) {
    case 'npm':
      return npmAdapter(publisher.version, publisher.bin);
    case 'pnpm':
      return pnpmAdapter(publisher.version, publisher.bin);
    case 'yarn':
      return yarnAdapter(publisher.version, publisher.bin);
    case 'changesets':
      return changesetsAdapter(publisher.version, {
        bin: publisher.bin ?? join(root, 'node_modules', '.bin', 'changeset'),
        underlying: publisher.delegate?.name ?? 'npm',
      });
  }
}
