import { createHash } from 'node:crypto';

/** The `dist.integrity` the registry records for a tarball (sha512, SRI form). */
export function integrityOf(bytes: Uint8Array): string {
  return `sha512-${createHash('sha512').update(bytes).digest('base64')}`;
}

/** Compares SRI strings by their sha512 digest (ignoring other algorithms and options). */
export function sameIntegrity(a: string | null | undefined, b: string | null | undefined): boolean {
  const pick = (s: string) =>
    s
      .split(/\s+/)
      .find((part) => part.startsWith('sha512-'))
      ?.split('?')[0];
  if (!a || !b) return false;
  const x = pick(a);
  return x !== undefined && x === pick(b);
}
