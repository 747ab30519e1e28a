import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

const BLOCK = 512;

function writeField(header: Buffer, offset: number, length: number, value: string): void {
  header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'utf8');
}

function octal(value: number, length: number): string {
  return `${value.toString(8).padStart(length - 1, '0')}\0`;
}

function tarEntry(path: string, content: Buffer, mtime: number): Buffer {
  if (Buffer.byteLength(path) > 100) throw new Error(`tar path too long: ${path}`);
  const header = Buffer.alloc(BLOCK);
  writeField(header, 0, 100, path);
  writeField(header, 100, 8, octal(0o644, 8));
  writeField(header, 108, 8, octal(0, 8));
  writeField(header, 116, 8, octal(0, 8));
  writeField(header, 124, 12, octal(content.length, 12));
  writeField(header, 136, 12, octal(mtime, 12));
  writeField(header, 148, 8, '        ');
  writeField(header, 156, 1, '0');
  writeField(header, 257, 8, 'ustar\u000000');
  let sum = 0;
  for (const byte of header) sum += byte;
  writeField(header, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((BLOCK - (content.length % BLOCK)) % BLOCK);
  return Buffer.concat([header, content, padding]);
}

/** A gzipped tarball with every file under `package/`, as `npm pack` lays it out. */
export function packTarball(files: Record<string, string | Buffer>): Buffer {
  // npm pack pins mtimes to 1985-10-26 so tarballs are reproducible; do the same.
  const mtime = Math.floor(Date.UTC(1985, 9, 26, 8, 15) / 1000);
  const entries = Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([path, content]) => tarEntry(`package/${path}`, Buffer.from(content), mtime));
  return gzipSync(Buffer.concat([...entries, Buffer.alloc(BLOCK * 2)]));
}

export interface TarballDigests {
  /** `sha512-<base64>` */
  integrity: string;
  /** hex SHA-1 */
  shasum: string;
  sha512Hex: string;
}

export function tarballDigests(tarball: Buffer): TarballDigests {
  const sha512 = createHash('sha512').update(tarball).digest();
  return {
    integrity: `sha512-${sha512.toString('base64')}`,
    shasum: createHash('sha1').update(tarball).digest('hex'),
    sha512Hex: sha512.toString('hex'),
  };
}
