import { describe, expect, it } from 'vitest';
import { classifyFailure } from './classify.js';

describe('classifyFailure: the registry refusing a stored token', () => {
  it('403 for a package that requires 2FA or trusted publishing: TOKEN_NOT_ALLOWED, with the hint to switch', () => {
    const out = classifyFailure(
      'npm error code E403\nnpm error 403 403 Forbidden - PUT http://r/@s%2fa - Two-factor authentication or granular access token with bypass 2fa enabled is required to publish packages.',
    );
    expect(out).toMatchObject({ kind: 'failed', code: 'TOKEN_NOT_ALLOWED', transient: false });
    expect(out.kind === 'failed' && out.hint).toContain('npm trust github');
  });

  it('an expired or revoked token (notice + 404): TOKEN_EXPIRED', () => {
    const out = classifyFailure(
      'npm notice Access token expired or revoked. Please try logging in again.\nnpm error code E404\nnpm error 404 Not Found - PUT http://r/a - Not found',
    );
    expect(out).toMatchObject({ kind: 'failed', code: 'TOKEN_EXPIRED' });
  });

  it('a bare E404 on the PUT or ENEEDAUTH: a failed exchange that fell back, said in the hint', () => {
    const put = classifyFailure('npm error code E404\nnpm error 404 Not Found - PUT http://r/a - Not found');
    expect(put.kind === 'failed' && put.code).toBeUndefined();
    expect(put.kind === 'failed' && put.hint).toContain('provenant check --auth oidc');
    const needAuth = classifyFailure(
      'npm error code ENEEDAUTH\nnpm error need auth This command requires you to be logged in',
    );
    expect(needAuth.kind === 'failed' && needAuth.hint).toContain('trusted-publishing exchange');
  });

  it('an OTP prompt stays needs-otp; a conflict stays already-published', () => {
    expect(classifyFailure('npm error code EOTP\nThis operation requires a one-time password').kind).toBe(
      'needs-otp',
    );
    expect(classifyFailure('You cannot publish over the previously published versions').kind).toBe(
      'already-published',
    );
  });
});
