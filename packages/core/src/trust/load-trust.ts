import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { ProvenantError, messageOf } from '../errors.js';
import { createVerificationTrust, type VerificationTrust } from './trust-material.js';

/** The TUF target names of the seed shipped inside `@sigstore/tuf`. */
const TRUSTED_ROOT_TARGET = 'trusted_root.json';
const NPM_KEYS_TARGET = 'registry.npmjs.org%2Fkeys.json';

/** `--trusted-root <file>` and `--npm-keys <file>`. */
export async function loadGivenTrust(paths: {
  trustedRootPath: string;
  npmKeysPath: string;
}): Promise<VerificationTrust> {
  const [root, keys] = await Promise.all([
    readJsonFile(paths.trustedRootPath),
    readJsonFile(paths.npmKeysPath),
  ]);
  return createVerificationTrust(root, keys, 'given');
}

/**
 * `--offline`: the trusted root and npm keys embedded in the installed
 * `@sigstore/tuf` seed. `sigstore.verify()` always refreshes TUF over the
 * network, so we decode the seed targets ourselves.
 */
export async function loadEmbeddedTrust(seedsPath = resolveSeedsPath()): Promise<VerificationTrust> {
  const { trustedRoot, npmKeys } = decodeSeeds(await readJsonFile(seedsPath), seedsPath);
  return createVerificationTrust(trustedRoot, npmKeys, 'offline');
}

export function resolveSeedsPath(): string {
  return createRequire(import.meta.url).resolve('@sigstore/tuf/seeds.json');
}

/** Pure: seeds.json → the two decoded TUF targets. */
export function decodeSeeds(
  seeds: unknown,
  source = 'seeds.json',
): { trustedRoot: unknown; npmKeys: unknown } {
  const mirrors = seeds && typeof seeds === 'object' ? Object.values(seeds) : [];
  for (const mirror of mirrors) {
    const targets = (mirror as { targets?: Record<string, unknown> } | null)?.targets;
    const root = targets?.[TRUSTED_ROOT_TARGET];
    const keys = targets?.[NPM_KEYS_TARGET];
    if (typeof root === 'string' && typeof keys === 'string') {
      return { trustedRoot: decodeTarget(root, source), npmKeys: decodeTarget(keys, source) };
    }
  }
  throw new ProvenantError(
    'TRUST_MATERIAL_INVALID',
    `${source} has no ${TRUSTED_ROOT_TARGET} and npm keys targets`,
    {
      hint: 'Reinstall @provenant/core, or pass --trusted-root and --npm-keys.',
    },
  );
}

function decodeTarget(base64: string, source: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch (cause) {
    throw new ProvenantError('TRUST_MATERIAL_INVALID', `${source} holds a target that is not base64 JSON`, {
      cause,
    });
  }
}

export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ProvenantError('TRUST_MATERIAL_INVALID', `Cannot read ${path}: ${messageOf(cause)}`, { cause });
  }
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new ProvenantError('TRUST_MATERIAL_INVALID', `${path} is not JSON: ${messageOf(cause)}`, { cause });
  }
}
