import { createHash, generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One entry of `GET /-/npm/v1/keys`, in npm's shape. */
export interface NpmKey {
  expires: string | null;
  keyid: string;
  keytype: 'ecdsa-sha2-nistp256';
  scheme: 'ecdsa-sha2-nistp256';
  key: string;
}

export interface NpmKeysDocument {
  keys: NpmKey[];
}

export interface RegistryKeyFiles {
  keyid: string;
  /** PEM (PKCS#8) private key; only the registry plugin reads it. */
  privateKeyPath: string;
  /** The `/-/npm/v1/keys` document, usable as `--npm-keys`. */
  npmKeysPath: string;
  npmKeys: NpmKeysDocument;
}

/** npm's key id: `SHA256:` + unpadded base64 of the SHA-256 of the DER SPKI. */
export function npmKeyId(spkiDer: Buffer): string {
  return `SHA256:${createHash('sha256').update(spkiDer).digest('base64').replace(/=+$/, '')}`;
}

/** Generates the registry's ECDSA P-256 signing key for one rig and writes it out. */
export async function createRegistryKeys(dir: string): Promise<RegistryKeyFiles> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const keyid = npmKeyId(spki);
  const npmKeys: NpmKeysDocument = {
    keys: [
      {
        expires: null,
        keyid,
        keytype: 'ecdsa-sha2-nistp256',
        scheme: 'ecdsa-sha2-nistp256',
        key: spki.toString('base64'),
      },
    ],
  };
  const privateKeyPath = join(dir, 'registry-signing-key.pem');
  const npmKeysPath = join(dir, 'npm-keys.json');
  await writeFile(privateKeyPath, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  await writeFile(npmKeysPath, `${JSON.stringify(npmKeys, null, 2)}\n`);
  return { keyid, privateKeyPath, npmKeysPath, npmKeys };
}
