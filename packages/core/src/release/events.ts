import type { PublishRecord } from '../publish/publish-all.js';
import type { Invocation } from '../publish/types.js';
import type { PackageReport } from '../report/types.js';

/** What `release` tells its progress renderer, in order. The CLI alone turns these into text. */
export type ReleaseEvent =
  | {
      type: 'stage';
      stage: 'check' | 'provenance' | 'pack' | 'publish' | 'restore' | 'verify';
      detail: string;
    }
  | { type: 'planned'; names: string[] }
  | { type: 'file-changed'; path: string; via: string }
  | { type: 'packing'; names: string[] }
  | { type: 'publishing'; names: string[]; command: string; attempt: number }
  | { type: 'retrying'; name: string; attempt: number; delayMs: number; reason: string }
  | { type: 'published'; record: PublishRecord }
  | { type: 'verifying'; names: string[] }
  | { type: 'verified'; report: PackageReport }
  | { type: 'restored'; paths: string[] }
  | {
      type: 'dry-run';
      commands: string[];
      fileChanges: Array<{ path: string; before: string | null; after: string }>;
    };

/** An invocation as a copy-pasteable shell line (env additions first). */
export function formatInvocation(inv: Invocation, root: string): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const env = Object.entries(inv.env)
    .filter(
      ([k]) =>
        !/^npm_config_(update_notifier|fund|audit|progress)$/.test(k) &&
        !/^YARN_ENABLE_(TELEMETRY|IMMUTABLE_INSTALLS)$/.test(k),
    )
    .map(([k, v]) => `${k}=${quote(v)}`);
  const cwd = inv.cwd === root ? '' : `(cd ${quote(relativeTo(root, inv.cwd))} && `;
  const line = [...env, quote(inv.file), ...inv.args.map(quote)].join(' ');
  return cwd ? `${cwd}${line})` : line;
}

function relativeTo(root: string, dir: string): string {
  return dir.startsWith(root) ? dir.slice(root.length).replace(/^[\\/]+/, '') || '.' : dir;
}
