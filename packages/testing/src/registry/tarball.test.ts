import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packTarball, tarballDigests } from './tarball.js';

describe('packTarball', () => {
  it('writes a gzipped ustar archive that tar reads, files under package/', () => {
    const tarball = packTarball({
      'package.json': '{"name":"x"}\n',
      'lib/index.js': 'module.exports = 1;\n',
    });
    const dir = mkdtempSync(join(tmpdir(), 'provenant-tarball-test-'));
    try {
      writeFileSync(join(dir, 'x.tgz'), tarball);
      const listing = execFileSync('tar', ['-tzf', join(dir, 'x.tgz')], { encoding: 'utf8' });
      expect(listing.trim().split('\n')).toEqual(['package/lib/index.js', 'package/package.json']);
      const content = execFileSync('tar', ['-xzOf', join(dir, 'x.tgz'), 'package/package.json'], {
        encoding: 'utf8',
      });
      expect(content).toBe('{"name":"x"}\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is reproducible, and its digests are npm-style', () => {
    const a = packTarball({ 'package.json': '{}' });
    expect(packTarball({ 'package.json': '{}' }).equals(a)).toBe(true);
    const digests = tarballDigests(a);
    expect(digests.integrity).toMatch(/^sha512-[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(digests.integrity.slice(7), 'base64').toString('hex')).toBe(digests.sha512Hex);
    expect(digests.shasum).toMatch(/^[0-9a-f]{40}$/);
  });
});
