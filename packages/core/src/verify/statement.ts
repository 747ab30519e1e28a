import { createHash } from 'node:crypto';
import ssri from 'ssri';
import { problem, type Problem } from '../problems.js';
import type { AttestationKind, InTotoStatement } from './attestation.js';

const LABEL: Record<AttestationKind, string> = { provenance: 'Provenance', publish: 'Publish attestation' };

/** `pkg:npm/%40scope/name@1.2.3`, as npm writes the subject. */
export function packagePurl(name: string, version: string): string {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

/** The hex sha512 of an SRI string, or null when it carries no sha512. */
export function sha512Hex(integrity: string): string | null {
  const parsed = ssri.parse(integrity, { single: false }) as unknown as {
    sha512?: { digest: string }[];
  } | null;
  const digest = parsed?.sha512?.[0]?.digest;
  return digest ? Buffer.from(digest, 'base64').toString('hex') : null;
}

/**
 * The signed statement is about exactly this package version and tarball:
 * a subject `pkg:npm/<name>@<version>` whose sha512 is `dist.integrity`'s,
 * and for the publish attestation a predicate naming the same version.
 */
export function checkStatement(
  kind: AttestationKind,
  statement: InTotoStatement,
  pkg: { name: string; version: string; integrity: string },
): Problem[] {
  const problems: Problem[] = [];
  const label = LABEL[kind];
  const expectedPurl = packagePurl(pkg.name, pkg.version);
  const subjects = Array.isArray(statement.subject) ? (statement.subject as unknown[]) : [];
  const names = subjects.map((s) => (s as { name?: unknown } | null)?.name);
  const index = names.findIndex((n) => typeof n === 'string' && samePurl(n, expectedPurl));
  if (index < 0) {
    problems.push(
      problem(
        'SUBJECT_MISMATCH',
        'error',
        `${label} is about ${names.length ? names.map((n) => JSON.stringify(n)).join(', ') : 'no subject'}, not ${expectedPurl}`,
        'The registry served attestations of another package or version.',
      ),
    );
  } else {
    const digest = (subjects[index] as { digest?: { sha512?: unknown } }).digest?.sha512;
    const expected = sha512Hex(pkg.integrity);
    if (expected === null) {
      problems.push(
        problem('DIGEST_MISMATCH', 'error', `dist.integrity of ${pkg.name}@${pkg.version} has no sha512`),
      );
    } else if (typeof digest !== 'string' || digest.toLowerCase() !== expected) {
      problems.push(
        problem(
          'DIGEST_MISMATCH',
          'error',
          `${label} subject sha512 ${typeof digest === 'string' ? digest.slice(0, 16) + '…' : 'is absent'}, dist.integrity has ${expected.slice(0, 16)}…`,
          'The registry serves another tarball than the one that was attested.',
        ),
      );
    }
  }
  if (kind === 'publish') {
    const predicate = (statement.predicate ?? {}) as { name?: unknown; version?: unknown };
    if (predicate.name !== pkg.name || predicate.version !== pkg.version) {
      problems.push(
        problem(
          'SUBJECT_MISMATCH',
          'error',
          `${label} predicate names ${String(predicate.name)}@${String(predicate.version)}, not ${pkg.name}@${pkg.version}`,
        ),
      );
    }
  }
  return problems;
}

/** `--tarball`: the bytes the registry serves hash to `dist.integrity`. */
export function checkTarball(bytes: Buffer, integrity: string): Problem[] {
  const expected = sha512Hex(integrity);
  const actual = createHash('sha512').update(bytes).digest('hex');
  if (expected === actual) return [];
  return [
    problem(
      'TARBALL_INTEGRITY_MISMATCH',
      'error',
      `The downloaded tarball's sha512 ${actual.slice(0, 16)}… differs from dist.integrity ${expected ? expected.slice(0, 16) + '…' : '(no sha512)'}`,
    ),
  ];
}

function samePurl(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return decodeURIComponent(a) === decodeURIComponent(b);
  } catch {
    return false;
  }
}
