import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ASN1Obj } from '@sigstore/core';
import { describe, expect, it } from 'vitest';
import { decodeSeeds, resolveSeedsPath } from '../trust/load-trust.js';
import { encodeDer, installFastDerEncoding, sampleCertificate } from './der-encoding.js';
import { FIXTURES, present } from './test-support/fake-registry.js';

const parse = (der: Uint8Array) => ASN1Obj.parseBuffer(Buffer.from(der));
const { trustedRoot } = decodeSeeds(JSON.parse(readFileSync(resolveSeedsPath(), 'utf8')));

/** Every base64 `rawBytes` in a JSON value (certificates, public keys). */
function rawBytesIn(value: unknown, out: Buffer[] = []): Buffer[] {
  if (Array.isArray(value)) for (const v of value) rawBytesIn(v, out);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === 'rawBytes' && typeof v === 'string') out.push(Buffer.from(v, 'base64'));
      else rawBytesIn(v, out);
    }
  return out;
}

/** Real DER: npm's embedded trusted root, and every certificate in the attestation fixtures. */
function realDer(): Buffer[] {
  const all = rawBytesIn(trustedRoot);
  if (present) {
    for (const dir of readdirSync(FIXTURES, { withFileTypes: true })) {
      if (!dir.isDirectory()) continue;
      for (const file of readdirSync(path.join(FIXTURES, dir.name))) {
        if (!file.endsWith('.json')) continue;
        try {
          all.push(...rawBytesIn(JSON.parse(readFileSync(path.join(FIXTURES, dir.name, file), 'utf8'))));
        } catch {
          // not JSON: no DER to take
        }
      }
    }
  }
  return all;
}

function* nodes(obj: ASN1Obj): Generator<ASN1Obj> {
  yield obj;
  for (const sub of obj.subs) yield* nodes(sub);
}

/** SEQUENCE { OCTET STRING of `n` bytes }, DER. */
function sequenceOf(n: number): Buffer {
  const len = (l: number) =>
    l < 0x80 ? Buffer.from([l]) : Buffer.from([0x80 | Math.ceil(l.toString(16).length / 2), ...hexBytes(l)]);
  const hexBytes = (l: number) => {
    const hex = l.toString(16);
    return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  };
  const octets = Buffer.concat([Buffer.from([0x04]), len(n), Buffer.alloc(n, 7)]);
  return Buffer.concat([Buffer.from([0x30]), len(octets.length), octets]);
}

describe('encodeDer', () => {
  it("gives the library's bytes for every node of real certificates and keys", () => {
    const ders = realDer();
    expect(ders.length).toBeGreaterThan(3);
    let compared = 0;
    for (const der of ders) {
      const root = parse(der);
      expect(encodeDer(root).equals(der)).toBe(true);
      for (const node of nodes(root)) {
        expect(encodeDer(node).equals(node.toDER())).toBe(true);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThan(100);
  });

  it('encodes every length form: short, one, two and three length bytes', () => {
    for (const n of [0, 1, 127, 128, 255, 256, 65_535, 65_536, 70_000]) {
      const der = sequenceOf(n);
      const root = parse(der);
      expect(encodeDer(root).equals(root.toDER())).toBe(true);
      expect(encodeDer(root).equals(der)).toBe(true);
    }
  });
});

describe('installFastDerEncoding', () => {
  it('refuses a sample its encoding does not give back byte for byte (a non-minimal length)', () => {
    // SEQUENCE, length 3 in the long form: parsed fine, re-encoded shorter
    expect(installFastDerEncoding(Buffer.from('308103020105', 'hex'))).toBe(false);
    expect(installFastDerEncoding(Buffer.from('not der'))).toBe(false);
  });

  it('takes over toDER with the same bytes, once', () => {
    const sample = sampleCertificate(trustedRoot);
    expect(sample).not.toBeNull();
    const proto = ASN1Obj.prototype as unknown as { toDER: (this: ASN1Obj) => Buffer };
    const before = proto.toDER;
    expect(installFastDerEncoding(sample as Uint8Array)).toBe(true);
    const installed = proto.toDER;
    expect(installed).not.toBe(before);
    expect(installFastDerEncoding(sample as Uint8Array)).toBe(true);
    expect(proto.toDER).toBe(installed);
    for (const der of realDer()) {
      const root = parse(der);
      expect(root.toDER().equals(der)).toBe(true);
      expect(before.call(root).equals(der)).toBe(true);
    }
  });
});
