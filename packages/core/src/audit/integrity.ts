import ssri from 'ssri';

/**
 * Whether two SRI strings name the same bytes: equal digests for some
 * algorithm both carry. Null when they share no algorithm (an old sha1-only
 * lockfile against a sha512 registry entry): nothing can be compared.
 */
export function sameIntegrity(a: string, b: string): boolean | null {
  const left = digests(a);
  const right = digests(b);
  let compared = false;
  for (const [algorithm, values] of left) {
    const other = right.get(algorithm);
    if (!other) continue;
    compared = true;
    if ([...values].some((v) => other.has(v))) return true;
  }
  return compared ? false : null;
}

function digests(text: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const parsed = ssri.parse(text, { single: false }) as unknown as Record<
    string,
    { digest: string }[]
  > | null;
  for (const [algorithm, hashes] of Object.entries(parsed ?? {})) {
    if (!Array.isArray(hashes)) continue;
    out.set(algorithm, new Set(hashes.map((h) => h.digest)));
  }
  return out;
}
