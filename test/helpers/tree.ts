// Readers of a work tree for the e2e files: git status, byte snapshots and hashes of every file,
// and scans for a secret's bytes. Re-exported by the one rig helper, ./rig.ts.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export function gitStatus(dir: string): string {
  return execFileSync('git', ['status', '--porcelain', '--ignored=no'], { cwd: dir, encoding: 'utf8' });
}

/** Every file under `dir` (node_modules and .git excluded) → its bytes, base64. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d)) {
      if (entry === 'node_modules' || entry === '.git') continue;
      const path = join(d, entry);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(dir, path)] = readFileSync(path).toString('base64');
    }
  };
  walk(dir);
  return out;
}

/** One hash over every file's path and bytes under `dir` (node_modules left out). */
export function treeHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (entry.name === 'node_modules') continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile())
        hash
          .update(`${relative(dir, path)}\0`)
          .update(readFileSync(path))
          .update('\0');
    }
  };
  walk(dir);
  return hash.digest('hex');
}

/** Every file under `dir` (recursively, .git/provenant included, .git objects not), as bytes. */
export function filesUnder(dir: string, skip = /(^|\/)(node_modules|objects)$/): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  const walk = (d: string) => {
    if (!existsSync(d)) return;
    for (const entry of readdirSync(d)) {
      const path = join(d, entry);
      if (skip.test(path)) continue;
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else if (st.isFile()) out.push([path, readFileSync(path)]);
    }
  };
  walk(dir);
  return out;
}

/**
 * Where the secret's bytes appear among `texts` (labelled outputs) and `files`. Also looks for it
 * URL-encoded and base64-encoded, as a redactor that missed it might have left it.
 */
export function secretLeaks(
  secret: string,
  texts: Record<string, string | Buffer>,
  files: string[] = [],
): string[] {
  const needles = [
    Buffer.from(secret),
    Buffer.from(encodeURIComponent(secret)),
    Buffer.from(Buffer.from(secret).toString('base64')),
  ];
  const leaks: string[] = [];
  for (const [label, text] of Object.entries(texts)) {
    const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text);
    if (needles.some((n) => bytes.includes(n))) leaks.push(label);
  }
  for (const file of files) {
    if (existsSync(file) && needles.some((n) => readFileSync(file).includes(n))) leaks.push(file);
  }
  return leaks;
}
