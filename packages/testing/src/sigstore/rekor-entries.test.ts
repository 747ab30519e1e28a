import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalizeProposedEntry } from './rekor-entries.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

describe('canonicalizeProposedEntry', () => {
  it('stores a DSSE proposal as Rekor does: hashes and signatures with verifiers', () => {
    const payload = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}');
    const envelope = JSON.stringify({
      payload: payload.toString('base64'),
      payloadType: 'application/vnd.in-toto+json',
      signatures: [{ sig: 'c2ln', keyid: '' }],
    });
    const proposed = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: { proposedContent: { envelope, verifiers: ['cGVt'] } },
    };
    expect(canonicalizeProposedEntry(proposed)).toEqual({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: sha256(envelope) },
        payloadHash: { algorithm: 'sha256', value: sha256(payload) },
        signatures: [{ signature: 'c2ln', verifier: 'cGVt' }],
      },
    });
  });

  it('leaves other kinds alone', () => {
    const hashedrekord = { apiVersion: '0.0.1', kind: 'hashedrekord', spec: { data: {} } };
    expect(canonicalizeProposedEntry(hashedrekord)).toBe(hashedrekord);
  });
});
