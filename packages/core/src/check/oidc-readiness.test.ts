import { describe, expect, it } from 'vitest';
import { probeOidc } from './oidc-readiness.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const ID_TOKEN = `${b64({ alg: 'ES256' })}.${b64({
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'npm:registry.npmjs.org',
  exp: 4_000_000_000,
  repository: 'acme/widgets',
  workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
})}.c2lnbmF0dXJl`;

/** The registry's exchange endpoint: `answer(name)` decides each package's status; every ask is logged. */
function exchangeFetch(answer: (name: string) => number, asked: string[]): typeof fetch {
  return ((url: string | URL) => {
    const name = decodeURIComponent(String(url).split('/package/')[1] ?? '');
    asked.push(name);
    const status = answer(name);
    const body =
      status === 201
        ? { token_type: 'oidc', token: `npm_exchanged_${name}`, expires: '2099-01-01T00:00:00Z' }
        : { message: 'OIDC token exchange error - package not found' };
    return Promise.resolve(
      new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } }),
    );
  }) as typeof fetch;
}

const probe = (fetchImpl: typeof globalThis.fetch, absent: string[]) =>
  probeOidc({
    mode: 'auto',
    registry: 'https://registry.npmjs.org/',
    env: { NPM_ID_TOKEN: ID_TOKEN },
    fetch: fetchImpl,
    timeoutMs: 5000,
    concurrency: 4,
    names: ['a', 'b', 'c', 'd'],
    absent: new Set(absent),
  });

describe('probeOidc', () => {
  it('asks once for the packages the registry does not have, when one of them answers 404', async () => {
    const asked: string[] = [];
    const result = await probe(
      exchangeFetch((name) => (name === 'd' ? 201 : 404), asked),
      ['b', 'c'],
    );
    expect(asked[0]).toBe('b');
    expect([...asked].sort()).toEqual(['a', 'b', 'd']);
    expect(result.exchanges.get('c')).toEqual(result.exchanges.get('b'));
    expect(result.exchanges.get('c')?.kind).toBe('not-found');
    expect(result.exchanges.get('a')?.kind).toBe('not-found');
    expect(result.exchanges.get('d')?.kind).toBe('ok');
  });

  it('asks every package when the absent one did not answer 404, or none is absent', async () => {
    const asked: string[] = [];
    await probe(
      exchangeFetch(() => 201, asked),
      ['b', 'c'],
    );
    expect([...asked].sort()).toEqual(['a', 'b', 'c', 'd']);
    asked.length = 0;
    await probe(
      exchangeFetch(() => 404, asked),
      [],
    );
    expect(asked).toEqual(['a', 'b', 'c', 'd']);
  });
});
