// Fulcio's certificate extensions for a GitLab CI id token, as real Fulcio derives them
// (sigstore/fulcio config/identity/config.yaml, `gitlab-pipeline` templates; OIDs in
// docs/oid-info.md). @sigstore/mock only knows GitHub's claim names, so the rig builds these.
import type { ExtensionValue } from '@sigstore/mock/dist/fulcio/ca.js';

const OID = (n: number) => `1.3.6.1.4.1.57264.1.${n}`;

export const FULCIO_OIDS = {
  issuerV1: OID(1),
  issuer: OID(8),
  buildSignerUri: OID(9),
  buildSignerDigest: OID(10),
  runnerEnvironment: OID(11),
  sourceRepositoryUri: OID(12),
  sourceRepositoryDigest: OID(13),
  sourceRepositoryRef: OID(14),
  sourceRepositoryIdentifier: OID(15),
  sourceRepositoryOwnerUri: OID(16),
  sourceRepositoryOwnerIdentifier: OID(17),
  buildConfigUri: OID(18),
  buildConfigDigest: OID(19),
  buildTrigger: OID(20),
  runInvocationUri: OID(21),
  sourceRepositoryVisibility: OID(22),
  deploymentEnvironment: OID(23),
} as const;

/** A GitLab CI token: it names a project and a CI config (whatever the instance). */
export function isGitLabToken(claims: Record<string, unknown>): boolean {
  return typeof claims.project_path === 'string' && typeof claims.ci_config_ref_uri === 'string';
}

const text = (value: unknown): string =>
  typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';

/** The SAN real Fulcio writes for a GitLab job: `https://<ci_config_ref_uri>`. */
export function gitlabSubjectAltName(claims: Record<string, unknown>): string {
  return `https://${text(claims.ci_config_ref_uri)}`;
}

/** Every Fulcio extension of a GitLab job's certificate; empty values are left out, as Fulcio does. */
export function gitlabCertificateExtensions(claims: Record<string, unknown>): ExtensionValue[] {
  const url = text(claims.iss);
  const ref = text(claims.ref);
  const fullRef = ref ? `refs/${claims.ref_type === 'branch' ? 'heads' : 'tags'}/${ref}` : '';
  const configUri = claims.ci_config_ref_uri ? gitlabSubjectAltName(claims) : '';
  const values: Array<[string, string]> = [
    [FULCIO_OIDS.issuer, url],
    [FULCIO_OIDS.buildSignerUri, configUri],
    [FULCIO_OIDS.buildSignerDigest, text(claims.ci_config_sha)],
    [FULCIO_OIDS.runnerEnvironment, text(claims.runner_environment)],
    [FULCIO_OIDS.sourceRepositoryUri, claims.project_path ? `${url}/${text(claims.project_path)}` : ''],
    [FULCIO_OIDS.sourceRepositoryDigest, text(claims.sha)],
    [FULCIO_OIDS.sourceRepositoryRef, fullRef],
    [FULCIO_OIDS.sourceRepositoryIdentifier, text(claims.project_id)],
    [
      FULCIO_OIDS.sourceRepositoryOwnerUri,
      claims.namespace_path ? `${url}/${text(claims.namespace_path)}` : '',
    ],
    [FULCIO_OIDS.sourceRepositoryOwnerIdentifier, text(claims.namespace_id)],
    [FULCIO_OIDS.buildConfigUri, configUri],
    [FULCIO_OIDS.buildConfigDigest, text(claims.ci_config_sha)],
    [FULCIO_OIDS.buildTrigger, text(claims.pipeline_source)],
    [
      FULCIO_OIDS.runInvocationUri,
      claims.project_path && claims.job_id
        ? `${url}/${text(claims.project_path)}/-/jobs/${text(claims.job_id)}`
        : '',
    ],
    [FULCIO_OIDS.sourceRepositoryVisibility, text(claims.project_visibility)],
    [FULCIO_OIDS.deploymentEnvironment, text(claims.environment)],
  ];
  const extensions: ExtensionValue[] = url ? [{ oid: FULCIO_OIDS.issuerV1, value: url, legacy: true }] : [];
  for (const [oid, value] of values) if (value) extensions.push({ oid, value });
  return extensions;
}

/** What @sigstore/mock leaves out of a GitHub certificate: the deployment environment. */
export function githubExtraExtensions(claims: Record<string, unknown>): ExtensionValue[] {
  const environment = text(claims.environment);
  return environment ? [{ oid: FULCIO_OIDS.deploymentEnvironment, value: environment }] : [];
}
