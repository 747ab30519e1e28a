import { describe, expect, it } from 'vitest';
import { createBroker } from './broker.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const EXP = 1_000_000_000; // the id token's expiry, s (2001-09-09)
const ID_TOKEN = `${b64({ alg: 'none' })}.${b64({
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'npm:registry.npmjs.org',
  exp: EXP,
})}.sig`;
const TARGET = { name: 'a', version: '1.0.0', dir: '/r/packages/a', relDir: 'packages/a' };

/** A GitHub job whose id token endpoint and the registry's exchange both answer; counts id token requests. */
function job(now: number) {
  let idTokenRequests = 0;
  const fetchFake: typeof fetch = (input) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.startsWith('https://token.example/')) {
      idTokenRequests++;
      return Promise.resolve(new Response(JSON.stringify({ value: ID_TOKEN }), { status: 200 }));
    }
    return Promise.resolve(
      new Response(JSON.stringify({ token: 'npm_exchanged', expires: '2001-09-09T02:00:00Z' }), {
        status: 201,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  const broker = createBroker({
    publisher: 'yarn',
    registry: 'https://registry.npmjs.org/',
    names: new Set(['a']),
    env: {
      GITHUB_ACTIONS: 'true',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/id',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token',
    },
    fetch: fetchFake,
    timeoutMs: 1000,
    now: () => now,
  });
  return { broker, requests: () => idTokenRequests };
}

describe('createBroker', () => {
  it("asks for a new id token only when the release's clock says the one it has is about to expire", async () => {
    const fresh = job(EXP * 1000 - 10 * 60_000);
    expect(await fresh.broker.authFor([TARGET])).toEqual({
      ok: true,
      env: { YARN_NPM_AUTH_TOKEN: 'npm_exchanged' },
    });
    await fresh.broker.authFor([TARGET]);
    expect(fresh.requests()).toBe(1);

    // within a minute of its expiry: asked for again before the exchange
    const expiring = job(EXP * 1000 - 30_000);
    expect((await expiring.broker.authFor([TARGET])).ok).toBe(true);
    expect(expiring.requests()).toBe(2);
  });
});
