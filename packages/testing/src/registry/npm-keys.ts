import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
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

function sshString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * npm's key id for a P-256 key (DER SPKI): the OpenSSH fingerprint, i.e. `SHA256:` and the
 * unpadded base64 SHA-256 of the key in SSH wire format (`ecdsa-sha2-nistp256`, `nistp256`,
 * uncompressed point). That is how registry.npmjs.org's `SHA256:jl3bws…` ids are made;
 * verifiers only match the string.
 */
export function npmKeyId(spkiDer: Buffer): string {
  const jwk = createPublicKey({ key: spkiDer, format: 'der', type: 'spki' }).export({ format: 'jwk' });
  if (jwk.crv !== 'P-256' || !jwk.x || !jwk.y) throw new Error('npm registry keys are ECDSA P-256');
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x, 'base64url'),
    Buffer.from(jwk.y, 'base64url'),
  ]);
  const wire = Buffer.concat([
    sshString(Buffer.from('ecdsa-sha2-nistp256')),
    sshString(Buffer.from('nistp256')),
    sshString(point),
  ]);
  return `SHA256:${createHash('sha256').update(wire).digest('base64').replace(/=+$/, '')}`;
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
