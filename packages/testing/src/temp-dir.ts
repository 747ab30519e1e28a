import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh directory under the OS temp dir, e.g. `/tmp/provenant-registry-XXXXXX`. */
export function makeTempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `provenant-${label}-`));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
