'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');

const INTOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const INTOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
const PUBLISH_PREDICATE_TYPE = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';
const BUNDLE_V02_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle+json;version=0.2';

// DSSE pre-authentication encoding (https://github.com/secure-systems-lab/dsse).
function preAuthEncoding(payloadType, payload) {
  const header = `DSSEv1 ${Buffer.byteLength(payloadType)} ${payloadType} ${payload.length} `;
  return Buffer.concat([Buffer.from(header, 'utf8'), payload]);
}

function purlOf(name, version) {
  return `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
}

// A Rekor v1 response `{ <uuid>: entry }` as a bundle's TransparencyLogEntry (JSON form).
function toBundleTlogEntry(response, kind, apiVersion) {
  const entry = Object.values(response)[0];
  const proof = entry.verification.inclusionProof;
  return {
    logIndex: String(entry.logIndex),
    logId: { keyId: Buffer.from(entry.logID, 'hex').toString('base64') },
    kindVersion: { kind, version: apiVersion },
    integratedTime: String(entry.integratedTime),
    inclusionPromise: { signedEntryTimestamp: entry.verification.signedEntryTimestamp },
    inclusionProof: {
      logIndex: String(proof.logIndex),
      rootHash: Buffer.from(proof.rootHash, 'hex').toString('base64'),
      treeSize: String(proof.treeSize),
      hashes: proof.hashes.map((hash) => Buffer.from(hash, 'hex').toString('base64')),
      checkpoint: { envelope: proof.checkpoint },
    },
    canonicalizedBody: entry.body,
  };
}

class RegistrySigner {
  constructor({ privateKeyFile, keysFile, rekorUrl }) {
    this.privateKey = crypto.createPrivateKey(fs.readFileSync(privateKeyFile, 'utf8'));
    this.publicKeyPem = crypto.createPublicKey(this.privateKey).export({ type: 'spki', format: 'pem' });
    this.keys = JSON.parse(fs.readFileSync(keysFile, 'utf8'));
    this.keyid = this.keys.keys[0].keyid;
    this.rekorUrl = rekorUrl;
  }

  keysDocument() {
    return this.keys;
  }

  // npm's registry signature: ECDSA P-256 / SHA-256 over `<name>@<version>:<integrity>`.
  signPackage(name, version, integrity) {
    const sig = crypto.sign('sha256', Buffer.from(`${name}@${version}:${integrity}`), this.privateKey);
    return { keyid: this.keyid, sig: sig.toString('base64') };
  }

  async attestPublish({ name, version, sha512Hex, registryUrl }) {
    const statement = {
      _type: INTOTO_STATEMENT_V01,
      subject: [{ name: purlOf(name, version), digest: { sha512: sha512Hex } }],
      predicateType: PUBLISH_PREDICATE_TYPE,
      predicate: { name, version, registry: registryUrl },
    };
    const payload = Buffer.from(JSON.stringify(statement), 'utf8');
    const sig = crypto.sign('sha256', preAuthEncoding(INTOTO_PAYLOAD_TYPE, payload), this.privateKey);
    const envelope = {
      payload: payload.toString('base64'),
      payloadType: INTOTO_PAYLOAD_TYPE,
      signatures: [{ sig: sig.toString('base64'), keyid: this.keyid }],
    };
    const tlogEntries = this.rekorUrl ? [await this.logEnvelope(envelope)] : [];
    return {
      predicateType: PUBLISH_PREDICATE_TYPE,
      bundle: {
        mediaType: BUNDLE_V02_MEDIA_TYPE,
        verificationMaterial: {
          publicKey: { hint: this.keyid },
          tlogEntries,
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: envelope,
      },
    };
  }

  async logEnvelope(envelope) {
    const proposed = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        proposedContent: {
          envelope: JSON.stringify(envelope),
          verifiers: [Buffer.from(this.publicKeyPem).toString('base64')],
        },
      },
    };
    const response = await fetch(`${this.rekorUrl}/api/v1/log/entries`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(proposed),
      signal: AbortSignal.timeout(10_000),
    });
    if (response.status !== 201) {
      throw new Error(`Rekor answered ${response.status}: ${await response.text()}`);
    }
    return toBundleTlogEntry(await response.json(), 'dsse', '0.0.1');
  }
}

module.exports = { RegistrySigner, PUBLISH_PREDICATE_TYPE };
