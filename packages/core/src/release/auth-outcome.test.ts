import { describe, expect, it } from 'vitest';
import type { Packument } from '../registry/packument.js';
import type { PackageReport } from '../report/types.js';
import { trustedPublisherOf } from '../verify/identity.js';
import { settleAuth } from './auth-outcome.js';
import { tokenEnv } from './broker.js';
import { readsAfterPublish, type VerifyStep } from './verify-step.js';

const pkg = (
  name: string,
  auth: 'oidc' | 'token' | null,
  status: PackageReport['status'] = 'verified',
): PackageReport => ({
  name,
  version: '1.0.0',
  dir: `packages/${name}`,
  status,
  problems: [],
  auth,
  publish: { attempts: 1, durationMs: 1, integrity: null },
  verification: null,
});
const registry: Record<string, Packument> = {
  viaOidc: {
    versions: {
      '1.0.0': {
        _npmUser: { name: 'GitHub Actions', trustedPublisher: { id: 'github', oidcConfigId: 'oidc:1' } },
      },
    },
  },
  viaToken: { versions: { '1.0.0': { _npmUser: { name: 'ci-bot' } } } },
};
const read = (name: string) => Promise.resolve(registry[name] ?? null);

describe('settleAuth: what really published each version', () => {
  it('a package planned for OIDC that reached the registry with a stored token: TRUSTED_PUBLISHING_BYPASSED', async () => {
    const [bypassed] = await settleAuth([{ ...pkg('viaToken', 'oidc') }], 'auto', read);
    expect(bypassed!.auth).toBe('token');
    expect(bypassed!.status).toBe('verified');
    expect(bypassed!.problems.map((p) => `${p.code}:${p.severity}`)).toEqual([
      'TRUSTED_PUBLISHING_BYPASSED:warning',
    ]);
    const [strict] = await settleAuth([pkg('viaToken', 'oidc')], 'oidc', read);
    expect(strict!.status).toBe('unverified');
    expect(strict!.problems.map((p) => `${p.code}:${p.severity}`)).toEqual([
      'TRUSTED_PUBLISHING_BYPASSED:error',
    ]);
  });

  it('trustedPublisher recorded: oidc; planned token and none recorded: token; not published now: as planned', async () => {
    const out = await settleAuth(
      [
        pkg('viaOidc', 'token'),
        pkg('viaToken', 'token'),
        { ...pkg('viaOidc', 'oidc', 'skipped'), publish: null },
      ],
      'auto',
      read,
    );
    expect(out.map((p) => [p.auth, p.problems.length])).toEqual([
      ['oidc', 0],
      ['token', 0],
      ['oidc', 0],
    ]);
  });

  it('trustedPublisherOf reads only a well-formed _npmUser.trustedPublisher', () => {
    expect(trustedPublisherOf(registry.viaOidc!.versions!['1.0.0'])).toEqual({
      id: 'github',
      oidcConfigId: 'oidc:1',
    });
    expect(trustedPublisherOf({ _npmUser: { trustedPublisher: 'github' } })).toBeNull();
    expect(trustedPublisherOf(undefined)).toBeNull();
  });
});

describe('tokenEnv: the brokered token reaches one publisher process above every config file', () => {
  it('npm/pnpm: npm_config_//host/path/:_authToken; yarn: YARN_NPM_AUTH_TOKEN', () => {
    expect(tokenEnv('npm', 'http://127.0.0.1:4873/', 't')).toEqual({
      'npm_config_//127.0.0.1:4873/:_authToken': 't',
    });
    expect(tokenEnv('pnpm', 'https://r.example/npm', 't')).toEqual({
      'npm_config_//r.example/npm/:_authToken': 't',
    });
    expect(tokenEnv('yarn', 'https://registry.npmjs.org/', 't')).toEqual({ YARN_NPM_AUTH_TOKEN: 't' });
  });
});

describe('readsAfterPublish: one packument read serves settling, verification and the auth settlement', () => {
  it('settles auth from the packument read after publishing, and reads again only when it lacks the version', async () => {
    const asked: string[] = [];
    const client = {
      getPackument: (name: string) => {
        asked.push(name);
        return read(name);
      },
    };
    const primed: string[] = [];
    const verifier = { prime: (name: string) => primed.push(name) } as unknown as VerifyStep;
    const reads = readsAfterPublish(client, verifier);
    expect(await reads.read('viaOidc')).toBe(registry.viaOidc);
    expect(primed).toEqual(['viaOidc']);
    const settled = await settleAuth(
      [pkg('viaOidc', 'oidc'), pkg('viaToken', 'oidc')],
      'auto',
      reads.holding,
    );
    expect(settled.map((p) => p.auth)).toEqual(['oidc', 'token']);
    // viaOidc came from the read after publishing; viaToken was never read, so it is asked for
    expect(asked).toEqual(['viaOidc', 'viaToken']);
    expect(await reads.holding('viaOidc', '2.0.0')).toBe(registry.viaOidc);
    expect(asked).toEqual(['viaOidc', 'viaToken', 'viaOidc']);
  });
});
