// npm trusted publishing on the local rig, GitLab side: a tokenless npm publish from a GitLab
// job exchanges NPM_ID_TOKEN, and either way its provenance is signed with a GitLab certificate.
import { beforeAll, describe, expect, it } from 'vitest';
import { FULCIO_OIDS, decodeIdToken } from '../packages/testing/dist/index.js';
import type { RigTrust } from './helpers/attestations.js';
import { SLSA_V02, oidcCalls } from './helpers/oidc-calls.js';
import { gitlabJob } from './helpers/oidc-rig.js';
import { loadRigTrust, useRig } from './helpers/rig.js';

const rig = useRig();
let trust: RigTrust;
beforeAll(async () => {
  trust = await loadRigTrust(rig);
});
const { existingPackage, npmPublish, storedVersion, verifiedProvenance } = oidcCalls(rig, () => trust);

describe('trusted publishing on the rig: GitLab', () => {
  const gitlabRepository = 'https://gitlab.com/acme/widgets';
  const gitlabSan = 'https://gitlab.com/acme/widgets//.gitlab-ci.yml@refs/heads/main';

  function expectGitLabCertificate(claims: { san: string | undefined; extensions: Record<string, string> }) {
    expect(claims.san).toBe(gitlabSan);
    expect(claims.extensions).toMatchObject({
      [FULCIO_OIDS.issuer]: 'https://gitlab.com',
      [FULCIO_OIDS.sourceRepositoryUri]: gitlabRepository,
      [FULCIO_OIDS.sourceRepositoryRef]: 'refs/heads/main',
      [FULCIO_OIDS.buildSignerUri]: gitlabSan,
      [FULCIO_OIDS.buildConfigUri]: gitlabSan,
      [FULCIO_OIDS.sourceRepositoryOwnerUri]: 'https://gitlab.com/acme',
      [FULCIO_OIDS.runInvocationUri]: 'https://gitlab.com/acme/widgets/-/jobs/777',
      [FULCIO_OIDS.runnerEnvironment]: 'gitlab-hosted',
      [FULCIO_OIDS.sourceRepositoryVisibility]: 'public',
    });
  }

  it('a tokenless npm publish from a GitLab job: NPM_ID_TOKEN exchanged, provenance signed with a GitLab certificate', async () => {
    const ws = await existingPackage('@oidc-gl/a', gitlabRepository);
    const config = await rig.registry.setTrustedPublisher('@oidc-gl/a', {
      provider: 'gitlab',
      projectPath: 'acme/widgets',
      ciFile: '.gitlab-ci.yml',
    });
    const env = gitlabJob(rig, ws.home);
    expect(decodeIdToken(env.NPM_ID_TOKEN!)).toMatchObject({
      aud: 'npm:127.0.0.1',
      project_path: 'acme/widgets',
    });
    const result = await npmPublish(ws.dir, '@oidc-gl/a', env);
    expect(result.exitCode, result.all).toBe(0);
    expect((await storedVersion('@oidc-gl/a', '1.0.0'))?._npmUser?.trustedPublisher).toEqual({
      id: 'gitlab',
      oidcConfigId: config!.oidcConfigId,
    });
    expectGitLabCertificate(await verifiedProvenance('@oidc-gl/a', '1.0.0', SLSA_V02));
  });

  it('a GitLab job with a static token and no NPM_ID_TOKEN: signed with a GitLab certificate, no trusted publisher', async () => {
    const ws = await existingPackage('@oidc-gl/b', gitlabRepository, true);
    const env = gitlabJob(rig, ws.home, {}, { npmIdToken: null });
    expect(env.NPM_ID_TOKEN).toBeUndefined();
    const result = await npmPublish(ws.dir, '@oidc-gl/b', env);
    expect(result.exitCode, result.all).toBe(0);
    const version = await storedVersion('@oidc-gl/b', '1.0.0');
    expect(version?._npmUser).toEqual({
      name: rig.registry.user.name,
      email: `${rig.registry.user.name}@example.com`,
    });
    expectGitLabCertificate(await verifiedProvenance('@oidc-gl/b', '1.0.0', SLSA_V02));
  });
});
