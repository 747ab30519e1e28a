import { describe, expect, it } from 'vitest';
import {
  FULCIO_OIDS,
  gitlabCertificateExtensions,
  gitlabSubjectAltName,
  isGitLabToken,
} from './fulcio-extensions.js';
import { githubIdTokenClaims } from './id-token.js';
import { gitlabIdTokenClaims } from './gitlab-id-token.js';

describe('GitLab certificate extensions', () => {
  it('are what Fulcio derives from a GitLab CI token', () => {
    const claims = gitlabIdTokenClaims({ projectPath: 'acme/widgets', environment: 'npm' }, 'sigstore');
    expect(isGitLabToken(claims)).toBe(true);
    expect(gitlabSubjectAltName(claims)).toBe(
      'https://gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
    );
    const byOid = Object.fromEntries(gitlabCertificateExtensions(claims).map((e) => [e.oid, e.value]));
    expect(byOid).toEqual({
      [FULCIO_OIDS.issuerV1]: 'https://gitlab.com',
      [FULCIO_OIDS.issuer]: 'https://gitlab.com',
      [FULCIO_OIDS.buildSignerUri]: 'https://gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
      [FULCIO_OIDS.buildSignerDigest]: 'b'.repeat(40),
      [FULCIO_OIDS.runnerEnvironment]: 'gitlab-hosted',
      [FULCIO_OIDS.sourceRepositoryUri]: 'https://gitlab.com/acme/widgets',
      [FULCIO_OIDS.sourceRepositoryDigest]: 'b'.repeat(40),
      [FULCIO_OIDS.sourceRepositoryRef]: 'refs/heads/main',
      [FULCIO_OIDS.sourceRepositoryIdentifier]: '300003',
      [FULCIO_OIDS.sourceRepositoryOwnerUri]: 'https://gitlab.com/acme',
      [FULCIO_OIDS.sourceRepositoryOwnerIdentifier]: '400004',
      [FULCIO_OIDS.buildConfigUri]: 'https://gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main',
      [FULCIO_OIDS.buildConfigDigest]: 'b'.repeat(40),
      [FULCIO_OIDS.buildTrigger]: 'push',
      [FULCIO_OIDS.runInvocationUri]: 'https://gitlab.com/acme/widgets/-/jobs/777',
      [FULCIO_OIDS.sourceRepositoryVisibility]: 'public',
      [FULCIO_OIDS.deploymentEnvironment]: 'npm',
    });
  });

  it('name a tag ref, and leave out the environment when there is none', () => {
    const claims = gitlabIdTokenClaims(
      { projectPath: 'acme/widgets', ref: 'v1', refType: 'tag' },
      'sigstore',
    );
    const extensions = gitlabCertificateExtensions(claims);
    expect(extensions.find((e) => e.oid === FULCIO_OIDS.sourceRepositoryRef)?.value).toBe('refs/tags/v1');
    expect(extensions.some((e) => e.oid === FULCIO_OIDS.deploymentEnvironment)).toBe(false);
    expect(isGitLabToken(githubIdTokenClaims({ repository: 'acme/widgets' }, 'sigstore'))).toBe(false);
  });
});
