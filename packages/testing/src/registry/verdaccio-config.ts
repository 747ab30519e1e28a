import { join } from 'node:path';
import { trustedPublishingServiceModule, verdaccioPluginsDir } from '../package-paths.js';

export interface RegistryFeatures {
  /** Accept provenance bundles, set `dist.attestations`, serve `/-/npm/v1/attestations`. Default true. */
  attestations?: boolean;
  /** Add npm's publish attestation next to the provenance. Default true. */
  publishAttestation?: boolean;
  /** Add `dist.signatures` and serve `/-/npm/v1/keys`. Default true. */
  signatures?: boolean;
  /**
   * npm trusted publishing: the OIDC token exchange, `_npmUser`, the publish guard and
   * `/-/package/<name>/visibility`. Default true.
   */
  trustedPublishing?: boolean;
  /**
   * Load our middleware at all. `false` gives stock Verdaccio 6, which rejects a publish
   * with provenance (`E400 unsupported registry call`). Default true.
   */
  plugin?: boolean;
}

export interface VerdaccioConfigInput {
  dir: string;
  storageDir: string;
  privateKeyPath: string;
  npmKeysPath: string;
  rekorUrl: string | null;
  features: RegistryFeatures;
  /** Files shared with the test process (trusted-publishing/rig-controls.ts). */
  trustFiles: { settingsFile: string; eventsFile: string };
}

/** Verdaccio's config as an object (written as JSON, which its YAML loader reads). */
export function buildVerdaccioConfig(input: VerdaccioConfigInput): Record<string, unknown> {
  const access = { access: '$all', publish: '$authenticated', unpublish: '$authenticated' };
  const { features } = input;
  const middlewares: Record<string, unknown> = {};
  if (features.plugin !== false) {
    middlewares['provenant-attestations'] = {
      enabled: true,
      attestations: features.attestations !== false,
      publishAttestation: features.publishAttestation !== false,
      signatures: features.signatures !== false,
      storeDir: join(input.dir, 'attestations'),
      privateKeyFile: input.privateKeyPath,
      keysFile: input.npmKeysPath,
      rekorUrl: input.rekorUrl,
      trustedPublishing:
        features.trustedPublishing === false
          ? null
          : {
              ...input.trustFiles,
              storageDir: input.storageDir,
              serviceModule: trustedPublishingServiceModule,
            },
    };
  }
  return {
    storage: input.storageDir,
    plugins: verdaccioPluginsDir,
    auth: { htpasswd: { file: join(input.dir, 'htpasswd'), max_users: 1000 } },
    // No uplinks: the rig never reaches out to the internet.
    uplinks: {},
    packages: { '@*/*': access, '**': access },
    web: { enable: false },
    // JWT tokens: the legacy ones cost a bcrypt check (~150 ms CPU) on every authenticated request.
    security: { api: { legacy: false, jwt: { sign: { expiresIn: '7d' } } } },
    max_body_size: '500mb',
    publish: { allow_offline: true },
    server: { keepAliveTimeout: 5 },
    log: { type: 'stdout', format: 'json', level: 'error' },
    middlewares,
  };
}
