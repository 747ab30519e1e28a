import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { nodeContext } from '@provenant/core';
import { main } from './main.js';

function streams() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { streams: { stdout, stderr }, text: () => ({ out, err }) };
}

async function run(argv: string[]) {
  const s = streams();
  const code = await main(argv, { streams: s.streams, ctx: nodeContext({ env: { NO_COLOR: '1' } }) });
  return { code, ...s.text() };
}

describe('main', () => {
  it('prints help and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: provenant <command>');
  });

  it('exits 2 with USAGE for an unknown command, JSON error on stdout under --json', async () => {
    const r = await run(['frobnicate', '--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.out).error.code).toBe('USAGE');
    expect(r.err).not.toMatch(/\n\s+at /);
  });

  it('--version prints the version of its own package.json', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${manifest.version}\n`);
  });

  it('exits 2 without a command', async () => {
    expect((await run([])).code).toBe(2);
  });
});
