import { describe, expect, it } from 'vitest';
import { redact } from '../redact.js';
import { exchangeIdToken, exchangeUrl } from './exchange.js';
import { acquireIdToken, oidcAudience } from './id-token.js';
import { decodeIdToken, gitlabCiFileOf, isReusableWorkflow, workflowFileOf } from './jwt.js';
import { publisherOidc } from './publisher-oidc.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const jwt = (claims: Record<string, unknown>) => `${b64({ alg: 'ES256' })}.${b64(claims)}.c2lnbmF0dXJl`;
const CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  aud: 'npm:registry.npmjs.org',
  exp: 4_000_000_000,
  repository: 'acme/widgets',
  workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
  job_workflow_ref: 'acme/widgets/.github/workflows/release.yml@refs/heads/main',
  repository_visibility: 'public',
};

/** A fetch that answers with one handler, like a real server would. */
function fakeFetch(handler: (url: string, init: RequestInit) => Response | Promise<Response>): typeof fetch {
  return ((url: string | URL, init: RequestInit = {}) =>
    Promise.resolve(handler(String(url), init))) as typeof fetch;
}
const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(typeof body === 'string' ? body : JSON.stringify(body), {
    status,
    headers: { 'content-type': type },
  });

describe('id token claims', () => {
  it('decodes the claims npm matches on, and refuses what is not a JWT', () => {
    const ok = decodeIdToken(jwt({ ...CLAIMS, environment: 'npm' }));
    expect(ok.ok && ok.claims).toMatchObject({
      repository: 'acme/widgets',
      environment: 'npm',
      visibility: 'public',
      aud: ['npm:registry.npmjs.org'],
    });
    expect(decodeIdToken('not-a-jwt').ok).toBe(false);
    expect(decodeIdToken(`a.${Buffer.from('{x').toString('base64url')}.c`).ok).toBe(false);
    expect(decodeIdToken(jwt({ sub: 'x' })).ok).toBe(false); // no issuer
  });

  it('workflow file, GitLab CI file, reusable workflow', () => {
    expect(workflowFileOf(CLAIMS.workflow_ref)).toBe('release.yml');
    expect(gitlabCiFileOf('gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main')).toBe('.gitlab-ci.yml');
    const claims = decodeIdToken(
      jwt({ ...CLAIMS, job_workflow_ref: 'acme/shared/.github/workflows/p.yml@v1' }),
    );
    expect(claims.ok && isReusableWorkflow(claims.claims)).toBe(true);
  });
});

describe('acquireIdToken', () => {
  const base = { registry: 'https://registry.npmjs.org/', timeoutMs: 1000 };
  it('asks GitHub for the audience npm:<registry hostname> and registers the token as a secret', async () => {
    const token = jwt(CLAIMS);
    let asked = '';
    const r = await acquireIdToken({
      ...base,
      env: {
        GITHUB_ACTIONS: 'true',
        ACTIONS_ID_TOKEN_REQUEST_URL: 'http://gh/token?api-version=2.0',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-secret',
      },
      fetch: fakeFetch((url, init) => {
        asked = url;
        expect((init.headers as Record<string, string>).authorization).toBe('Bearer request-secret');
        return json(200, { value: token });
      }),
    });
    expect(new URL(asked).searchParams.get('audience')).toBe('npm:registry.npmjs.org');
    expect(r.kind).toBe('token');
    expect(redact(`id ${token} and request-secret`)).toBe('id *** and ***');
    expect(oidcAudience('http://127.0.0.1:4873/')).toBe('npm:127.0.0.1');
  });

  it('NPM_ID_TOKEN wins; a non-JWT is invalid; no permission, GitLab without NPM_ID_TOKEN and no CI are unavailable', async () => {
    const never = fakeFetch(() => {
      throw new Error('must not be asked');
    });
    const fromEnv = await acquireIdToken({
      ...base,
      fetch: never,
      env: { GITHUB_ACTIONS: 'true', NPM_ID_TOKEN: jwt(CLAIMS) },
    });
    expect(fromEnv.kind === 'token' && fromEnv.source).toBe('NPM_ID_TOKEN');
    expect((await acquireIdToken({ ...base, fetch: never, env: { NPM_ID_TOKEN: 'garbage' } })).kind).toBe(
      'invalid',
    );
    const noPermission = await acquireIdToken({ ...base, fetch: never, env: { GITHUB_ACTIONS: 'true' } });
    expect(noPermission.kind === 'unavailable' && noPermission.code).toBe('ID_TOKEN_PERMISSION_MISSING');
    const gitlab = await acquireIdToken({ ...base, fetch: never, env: { GITLAB_CI: 'true' } });
    expect(gitlab.kind === 'unavailable' && gitlab.hint).toContain('NPM_ID_TOKEN');
    expect((await acquireIdToken({ ...base, fetch: never, env: {} })).kind).toBe('unavailable');
  });

  it('HTML, a 403 and a hanging endpoint end cleanly, bounded by the timeout', async () => {
    const env = {
      GITHUB_ACTIONS: 'true',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://gh/t',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x-secret',
    };
    expect(
      (await acquireIdToken({ ...base, env, fetch: fakeFetch(() => json(200, '<html>', 'text/html')) })).kind,
    ).toBe('invalid');
    expect((await acquireIdToken({ ...base, env, fetch: fakeFetch(() => json(403, {})) })).kind).toBe(
      'unavailable',
    );
    const hang = ((_: unknown, init: RequestInit) =>
      new Promise((_r, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError'))),
      )) as typeof fetch;
    const started = Date.now();
    const r = await acquireIdToken({ ...base, timeoutMs: 200, env, fetch: hang });
    expect(r.kind === 'unavailable' && r.reason).toContain('timed out');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('exchangeIdToken', () => {
  const request = (handler: Parameters<typeof fakeFetch>[0]) =>
    exchangeIdToken({
      registry: 'https://r.example/npm/',
      name: '@s/a',
      idToken: jwt(CLAIMS),
      timeoutMs: 500,
      fetch: fakeFetch(handler),
    });

  it('posts to the escaped package under the registry path, with the id token as bearer', async () => {
    expect(exchangeUrl('https://r.example/npm', '@s/a')).toBe(
      'https://r.example/npm/-/npm/v1/oidc/token/exchange/package/@s%2fa',
    );
    const r = await request((url, init) => {
      expect(init.method).toBe('POST');
      expect(url).toBe('https://r.example/npm/-/npm/v1/oidc/token/exchange/package/@s%2fa');
      return json(201, {
        token_type: 'oidc',
        token: 'npm_exchangedSecret123',
        expires: '2030-01-01T00:00:00Z',
      });
    });
    expect(r).toEqual({ kind: 'ok', token: 'npm_exchangedSecret123', expires: '2030-01-01T00:00:00Z' });
    expect(redact('token npm_exchangedSecret123')).not.toContain('exchangedSecret');
  });

  it("tells npm's 404 from a registry without the endpoint, and reads 401, 400, HTML, 500 and no token", async () => {
    const notFound = { message: 'OIDC token exchange error - package not found' };
    expect((await request(() => json(404, notFound))).kind).toBe('not-found');
    expect((await request(() => json(404, { error: 'not found' }))).kind).toBe('not-implemented');
    expect((await request(() => json(405, ''))).kind).toBe('not-implemented');
    expect(
      (await request(() => json(401, { message: 'OIDC token exchange error - unauthorized' }))).kind,
    ).toBe('unauthorized');
    expect(
      (await request(() => json(400, { message: 'OIDC token exchange error - bad request' }))).kind,
    ).toBe('bad-request');
    expect(await request(() => json(500, '<html>oops</html>', 'text/html'))).toMatchObject({
      kind: 'bad-response',
      status: 500,
    });
    expect(await request(() => json(201, { token_type: 'oidc' }))).toMatchObject({
      kind: 'bad-response',
      why: 'the answer has no token',
    });
    expect(await request(() => json(201, { token: 'npm_noExpiry1234' }))).toEqual({
      kind: 'ok',
      token: 'npm_noExpiry1234',
      expires: null,
    });
  });

  it('a registry that never answers: unreachable within the timeout, retried only when asked', async () => {
    let calls = 0;
    const hang = ((_: unknown, init: RequestInit) => {
      calls++;
      return new Promise((_r, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('timed out', 'TimeoutError'))),
      );
    }) as typeof fetch;
    const r = await exchangeIdToken({
      registry: 'https://r.example/',
      name: 'a',
      idToken: 'x.y.z',
      timeoutMs: 100,
      fetch: hang,
      retries: 1,
      sleep: () => Promise.resolve(),
    });
    expect(r.kind).toBe('unreachable');
    expect(calls).toBe(2);
  });
});

describe('publisherOidc: who exchanges the token itself', () => {
  it('npm ≥ 11.5.1 natively; pnpm ≤ 10 through its npm; pnpm 11.0 not with a stored token; yarn brokered; changesets not brokerable', () => {
    expect(publisherOidc({ name: 'npm', version: '11.19.1' }, '11.19.1', false).native).toBe(true);
    expect(publisherOidc({ name: 'npm', version: '10.9.2' }, '10.9.2', false)).toMatchObject({
      native: false,
      brokerable: true,
    });
    expect(publisherOidc({ name: 'pnpm', version: '9.15.9' }, '11.19.1', true).native).toBe(true);
    expect(publisherOidc({ name: 'pnpm', version: '9.15.9' }, '10.9.2', false).native).toBe(false);
    expect(publisherOidc({ name: 'pnpm', version: '11.0.0' }, null, true).native).toBe(false);
    expect(publisherOidc({ name: 'pnpm', version: '11.1.0' }, null, true).native).toBe(true);
    expect(publisherOidc({ name: 'yarn', version: '4.18.1' }, null, true)).toMatchObject({
      native: false,
      brokerable: true,
    });
    const cs = publisherOidc(
      { name: 'changesets', version: '2.31.1', delegate: { name: 'npm', version: null } },
      '10.9.2',
      false,
    );
    expect(cs).toMatchObject({ native: false, brokerable: false });
  });
});
