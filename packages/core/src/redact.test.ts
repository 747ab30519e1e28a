import { describe, expect, it } from 'vitest';
import { redact, redactDeep, registerSecret } from './redact.js';

describe('redact', () => {
  it('removes registered secrets, npm tokens, URL credentials and auth config lines', () => {
    registerSecret('s3cr3t-value');
    const text = [
      'token s3cr3t-value here',
      'npm_abcdefghijklmnopqrstuvwxyz0123456789',
      'https://user:pass@registry.example/',
      '//registry.example/:_authToken=abcdef123456',
      'Authorization: Bearer abcdef123456',
    ].join('\n');
    const out = redact(text);
    for (const secret of [
      's3cr3t-value',
      'abcdefghijklmnopqrstuvwxyz0123456789',
      'user:pass',
      'abcdef123456',
    ]) {
      expect(out).not.toContain(secret);
    }
  });

  it('redacts nested values', () => {
    registerSecret('nested-secret');
    expect(JSON.stringify(redactDeep({ a: ['x nested-secret'] }))).not.toContain('nested-secret');
  });

  it('keeps JSON text valid: a ${VAR} placeholder stays, an escaped secret goes', () => {
    const json = JSON.stringify({
      hint: 'Add `npmAuthToken: "${NPM_TOKEN}"` in .yarnrc.yml',
      leak: 'npmAuthToken: "abcdef123456"',
    });
    const out = redact(json);
    const parsed = JSON.parse(out) as { hint: string; leak: string };
    expect(parsed.hint).toBe('Add `npmAuthToken: "${NPM_TOKEN}"` in .yarnrc.yml');
    expect(parsed.leak).not.toContain('abcdef123456');
  });
});

describe('redact: OIDC tokens', () => {
  it('removes any JSON Web Token (id tokens) even when it was never registered', () => {
    const jwt = `eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2dpdGxhYi5jb20ifQ.c2lnbmF0dXJlLWJ5dGVz`;
    expect(redact(`NPM_ID_TOKEN=${jwt} done`)).toBe('NPM_ID_TOKEN=*** done');
    expect(redact(JSON.stringify({ idToken: jwt }))).not.toContain('eyJpc3Mi');
  });
});
