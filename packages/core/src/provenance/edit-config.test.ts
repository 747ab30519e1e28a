import { describe, expect, it } from 'vitest';
import {
  detectStyle,
  setNpmrcProvenance,
  setPublishConfigProvenance,
  setYarnrcProvenance,
} from './edit-config.js';

describe('setPublishConfigProvenance', () => {
  it('keeps 4-space indentation, key order and the final newline', () => {
    const text =
      '{\n    "name": "a",\n    "version": "1.0.0",\n    "publishConfig": {\n        "access": "public"\n    },\n    "main": "i.js"\n}\n';
    expect(setPublishConfigProvenance(text)).toBe(
      '{\n    "name": "a",\n    "version": "1.0.0",\n    "publishConfig": {\n        "access": "public",\n        "provenance": true\n    },\n    "main": "i.js"\n}\n',
    );
  });
  it('adds publishConfig last, with tabs, CRLF, no final newline', () => {
    const text = '{\r\n\t"name": "a",\r\n\t"version": "1.0.0"\r\n}';
    expect(setPublishConfigProvenance(text)).toBe(
      '{\r\n\t"name": "a",\r\n\t"version": "1.0.0",\r\n\t"publishConfig": {\r\n\t\t"provenance": true\r\n\t}\r\n}',
    );
  });
  it('returns null when provenance is already on; overrides false', () => {
    expect(setPublishConfigProvenance('{"publishConfig":{"provenance":true}}')).toBeNull();
    expect(setPublishConfigProvenance('{\n  "publishConfig": { "provenance": false }\n}\n')).toBe(
      '{\n  "publishConfig": {\n    "provenance": true\n  }\n}\n',
    );
  });
  it('detects style', () => {
    expect(detectStyle('{\n  "a": 1\n}\n')).toEqual({ indent: '  ', eol: '\n', finalNewline: true });
  });
});

describe('rc files', () => {
  it('.npmrc: creates, appends, replaces, leaves alone', () => {
    expect(setNpmrcProvenance(null)).toBe('provenance=true\n');
    expect(setNpmrcProvenance('registry=x')).toBe('registry=x\nprovenance=true\n');
    expect(setNpmrcProvenance('registry=x\r\n')).toBe('registry=x\r\nprovenance=true\r\n');
    expect(setNpmrcProvenance('provenance=false\nfoo=1\n')).toBe('provenance=true\nfoo=1\n');
    expect(setNpmrcProvenance('provenance = true\n')).toBeNull();
  });
  it('.yarnrc.yml', () => {
    expect(setYarnrcProvenance('nodeLinker: node-modules\n')).toBe(
      'nodeLinker: node-modules\nnpmPublishProvenance: true\n',
    );
    expect(setYarnrcProvenance('npmPublishProvenance: false\n')).toBe('npmPublishProvenance: true\n');
    expect(setYarnrcProvenance('npmPublishProvenance: true\n')).toBeNull();
  });
});
