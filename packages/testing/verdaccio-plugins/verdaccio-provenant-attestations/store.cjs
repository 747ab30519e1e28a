'use strict';
const fs = require('node:fs');
const path = require('node:path');

// One JSON file per version: the `attestations` array served by /-/npm/v1/attestations.
class AttestationStore {
  constructor(dir) {
    this.dir = dir;
    fs.mkdirSync(dir, { recursive: true });
  }

  fileFor(name, version) {
    return path.join(this.dir, `${encodeURIComponent(`${name}@${version}`)}.json`);
  }

  // Synchronous on purpose: it runs just before the publish response is written,
  // so a client that asks right after its publish always finds the attestations.
  write(name, version, attestations) {
    fs.writeFileSync(this.fileFor(name, version), JSON.stringify(attestations));
  }

  read(name, version) {
    try {
      return JSON.parse(fs.readFileSync(this.fileFor(name, version), 'utf8'));
    } catch {
      return null;
    }
  }
}

module.exports = { AttestationStore };
