import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Problem } from '../problems.js';
import type { VerificationReport } from '../report/types.js';
import type { Regression } from './regression.js';

/** What the registry side says about one version, verified: reusable while the trust is the same. */
export interface VersionFacts {
  registryIntegrity: string;
  verification: VerificationReport;
  /** The verify engine's problems, before the lockfile and policy checks. */
  problems: Problem[];
  regression: Regression | null;
  /** The version manifest's repository.url, the default identity expectation. */
  manifestRepository: string | null;
}

/** `$XDG_CACHE_HOME/provenant`, else `~/.cache/provenant`. */
export function defaultCacheDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CACHE_HOME || join(env.HOME || homedir(), '.cache'), 'provenant');
}

const MAX_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * Verified results on disk, one file per (registry, trust material): keyed by
 * `name@version` and the lockfile's integrity, so a changed lockfile entry is
 * verified again. Only results without errors are kept (a missing attestation
 * may still appear; a registry error may pass).
 */
export class AuditCache {
  private readonly file: string;
  private readonly entries: Record<string, VersionFacts>;
  private dirty = false;

  constructor(dir: string, trustDigest: string) {
    const id = createHash('sha256').update(trustDigest).digest('hex').slice(0, 32);
    this.file = join(dir, `audit-v1-${id}.json`);
    this.entries = readEntries(this.file);
  }

  static key(registry: string, name: string, version: string, integrity: string | null): string {
    return `${registry} ${name}@${version} ${integrity ?? '-'}`;
  }

  get(key: string): VersionFacts | undefined {
    return Object.hasOwn(this.entries, key) ? this.entries[key] : undefined;
  }

  set(key: string, facts: VersionFacts): void {
    if (facts.problems.some((p) => p.severity === 'error')) return;
    this.entries[key] = facts;
    this.dirty = true;
  }

  /** Writes atomically; a cache that cannot be written is only slower next time. */
  save(): void {
    if (!this.dirty) return;
    try {
      mkdirSync(join(this.file, '..'), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify({ version: 1, entries: this.entries }));
      renameSync(tmp, this.file);
      this.dirty = false;
    } catch {
      // read-only home, full disk: carry on without a cache
    }
  }
}

function readEntries(file: string): Record<string, VersionFacts> {
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_CACHE_BYTES) return {};
    const parsed = JSON.parse(text) as { version?: unknown; entries?: unknown };
    if (parsed.version !== 1 || !parsed.entries || typeof parsed.entries !== 'object') return {};
    return parsed.entries as Record<string, VersionFacts>;
  } catch {
    return {};
  }
}
