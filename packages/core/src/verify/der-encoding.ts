import { ASN1Obj } from '@sigstore/core';

// @sigstore/core re-encodes a parsed certificate to DER whenever @sigstore/verify compares two
// certificates (chain building, de-duplication), checks a certificate's signature, or builds an
// SCT's pre-certificate. Its ASN1Obj.toDER starts two streams per node, each growing a zero-filled
// 1 KB buffer and copying it again as it grows, for every node of the tree, at every level: in a
// release's verification thread that was 448 ms of 1.74 s for 60 versions (bench/release.js,
// loopback, `node --cpu-prof`). The encoding below gives the same bytes in two passes over the
// tree (the lengths, then one buffer written in place), and is checked against the library's own
// before it replaces it.

interface Node {
  tag: { toDER(): number };
  value: Uint8Array;
  subs: Node[];
}

function lengthOfLength(n: number): number {
  if (n < 0x80) return 1;
  let bytes = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 256)) bytes += 1;
  return 1 + bytes;
}

function contentLengths(node: Node, lengths: Map<Node, number>): number {
  let n = 0;
  if (node.subs.length > 0) {
    for (const sub of node.subs) {
      const c = contentLengths(sub, lengths);
      n += 1 + lengthOfLength(c) + c;
    }
  } else {
    n = node.value.length;
  }
  lengths.set(node, n);
  return n;
}

function writeLength(n: number, out: Buffer, at: number): number {
  if (n < 0x80) {
    out[at] = n;
    return at + 1;
  }
  const bytes = lengthOfLength(n) - 1;
  out[at] = 0x80 | bytes;
  for (let i = bytes; i >= 1; i--) {
    out[at + i] = n & 0xff;
    n = Math.floor(n / 256);
  }
  return at + 1 + bytes;
}

function write(node: Node, lengths: Map<Node, number>, out: Buffer, at: number): number {
  const n = lengths.get(node) ?? 0;
  out[at] = node.tag.toDER() & 0xff;
  let pos = writeLength(n, out, at + 1);
  if (node.subs.length > 0) {
    for (const sub of node.subs) pos = write(sub, lengths, out, pos);
  } else {
    out.set(node.value, pos);
    pos += n;
  }
  return pos;
}

/** The DER encoding of a parsed ASN.1 tree: what ASN1Obj.toDER returns, in one buffer. */
export function encodeDer(root: ASN1Obj): Buffer {
  const node = root as unknown as Node;
  const lengths = new Map<Node, number>();
  const content = contentLengths(node, lengths);
  const out = Buffer.allocUnsafe(1 + lengthOfLength(content) + content);
  write(node, lengths, out, 0);
  return out;
}

const INSTALLED = Symbol.for('provenant.fastDerEncoding');

/**
 * Makes ASN1Obj.toDER use encodeDer in this thread, once `sample` (DER bytes) round-trips
 * to the same bytes both ways; true when in force. Called by the verification threads
 * only: a program that imports this library keeps the library's own encoder.
 */
export function installFastDerEncoding(sample: Uint8Array): boolean {
  const proto = ASN1Obj.prototype as unknown as Record<symbol, unknown> & { toDER(): Buffer };
  if (proto[INSTALLED] === true) return true;
  try {
    const parsed = ASN1Obj.parseBuffer(Buffer.from(sample));
    const theirs = parsed.toDER();
    const ours = encodeDer(parsed);
    if (!ours.equals(theirs) || !ours.equals(Buffer.from(sample))) return false;
  } catch {
    return false;
  }
  proto.toDER = function toDER(this: ASN1Obj): Buffer {
    return encodeDer(this);
  };
  proto[INSTALLED] = true;
  return true;
}

/** The first CA certificate's DER in a trusted_root.json document (the sample to check against). */
export function sampleCertificate(trustedRoot: unknown): Uint8Array | null {
  const cas = (trustedRoot as { certificateAuthorities?: unknown } | null)?.certificateAuthorities;
  if (!Array.isArray(cas)) return null;
  for (const ca of cas as Array<{ certChain?: { certificates?: Array<{ rawBytes?: unknown }> } }>) {
    const raw = ca.certChain?.certificates?.[0]?.rawBytes;
    if (typeof raw === 'string' && raw.length > 0) return Buffer.from(raw, 'base64');
  }
  return null;
}
