import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  /** PEM of the throwaway CA: give it to publishers as NODE_EXTRA_CA_CERTS. */
  caCertPath: string;
  /** Server key and certificate (PEM) for `*.sigstore.dev`, signed by the CA. */
  key: string;
  cert: string;
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Makes a CA and a `*.sigstore.dev` server certificate with openssl, in `dir`. */
export async function createTlsMaterial(
  dir: string,
  hosts = ['*.sigstore.dev', 'sigstore.dev'],
): Promise<TlsMaterial> {
  const path = (name: string) => join(dir, name);
  await run('openssl', [
    'req',
    '-x509',
    ...EC_KEY,
    '-keyout',
    path('ca.key'),
    '-out',
    path('ca.pem'),
    '-days',
    '7',
    '-subj',
    '/O=Provenant test rig/CN=Provenant throwaway CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  await run('openssl', [
    'req',
    ...EC_KEY,
    '-keyout',
    path('server.key'),
    '-out',
    path('server.csr'),
    '-subj',
    `/CN=${hosts[0]}`,
  ]);
  await writeFile(
    path('server.ext'),
    [
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      'subjectKeyIdentifier=hash',
      'authorityKeyIdentifier=keyid,issuer',
      '',
    ].join('\n'),
  );
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    path('server.csr'),
    '-CA',
    path('ca.pem'),
    '-CAkey',
    path('ca.key'),
    '-CAcreateserial',
    '-out',
    path('server.pem'),
    '-days',
    '7',
    '-extfile',
    path('server.ext'),
  ]);
  const [key, cert] = await Promise.all([
    readFile(path('server.key'), 'utf8'),
    readFile(path('server.pem'), 'utf8'),
  ]);
  return { caCertPath: path('ca.pem'), key, cert };
}
