// Smoke test of the local rig (@provenant/testing): real publishers sign through the local
// Sigstore and publish to Verdaccio with our attestation middleware; everything they
// produce verifies with @sigstore/verify against the rig's trusted root and npm keys.
import { execFileSync } from 'node:child_process';
import { verify as verifySignature } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FULCIO_OIDS,
  escapePackageName,
  prepublish,
  run,
  startRegistry,
  startSigstore,
  writeNpmrc,
  writeYarnrc,
  type Registry,
  type RunResult,
  type WorkspaceSpec,
} from '../packages/testing/dist/index.js';
import {
  attestationsOf,
  certificateClaims,
  sha512Hex,
  verifiedStatement,
  type RigTrust,
} from './helpers/attestations.js';
import {
  REPOSITORY,
  YARN_PUBLISH_ALL,
  fixture,
  loadRigTrust,
  signingEnv,
  stopRig,
  type Rig,
} from './helpers/rig.js';

const SLSA_V1 = 'https://slsa.dev/provenance/v1';
const PUBLISH_V01 = 'https://github.com/npm/attestation/tree/main/specs/publish/v0.1';

// The rig's own smoke test starts it by hand: it times each part and checks no process is left.
let rig: Rig;
let trust: RigTrust;
const timings: Record<string, number> = {};

beforeAll(async () => {
  let started = Date.now();
  const sigstore = await startSigstore();
  timings.sigstoreStartMs = Date.now() - started;
  started = Date.now();
  const registry = await startRegistry({ rekorUrl: sigstore.url });
  timings.registryStartMs = Date.now() - started;
  rig = { sigstore, registry, temp: [] };
  trust = await loadRigTrust(rig);
});

afterAll(async () => {
  await stopRig(rig);
  if (rig) expect(processesMentioning(rig.registry.dir)).toEqual([]);
  console.log('rig timings', timings);
});

/** A two-package monorepo (`<scope>/a`, and `<scope>/b` depending on it) with the registry's .npmrc. */
function twoPackages(scope: string, spec: Partial<WorkspaceSpec> = {}, range = '^1.0.0') {
  const packages = [{ name: `${scope}/a` }, { name: `${scope}/b`, dependencies: { [`${scope}/a`]: range } }];
  return fixture(rig, { packages, git: false, ...spec }, { label: 'rig-test' });
}

function expectSuccess(result: RunResult): void {
  expect(result.exitCode, result.all).toBe(0);
}

interface Packument {
  versions: Record<
    string,
    {
      dist: {
        integrity: string;
        signatures?: Array<{ keyid: string; sig: string }>;
        attestations?: { url: string; provenance: { predicateType: string } };
      };
    }
  >;
}

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const response = await fetch(new URL(path, rig.registry.url), { headers: { Accept: 'application/json' } });
  return { status: response.status, body: (await response.json()) as T };
}

/** Checks a version the way a verifier will: registry signature, both attestations, identity. */
async function expectSignedAndAttested(name: string, version: string): Promise<void> {
  const { body: packument } = await getJson<Packument>(escapePackageName(name));
  const dist = packument.versions[version]?.dist;
  expect(dist, `${name}@${version} is in the packument`).toBeDefined();
  if (!dist) return;

  const [signature] = dist.signatures ?? [];
  expect(signature?.keyid).toBe(rig.registry.keyid);
  const key = {
    key: Buffer.from(rig.registry.npmKeys.keys[0]!.key, 'base64'),
    format: 'der',
    type: 'spki',
  } as const;
  const signed = Buffer.from(`${name}@${version}:${dist.integrity}`);
  expect(verifySignature('sha256', signed, key, Buffer.from(signature!.sig, 'base64'))).toBe(true);

  expect(dist.attestations?.provenance.predicateType).toBe(SLSA_V1);
  const { attestations } = await attestationsOf(rig, name, version);
  expect(attestations.map((a) => a.predicateType).sort()).toEqual([PUBLISH_V01, SLSA_V1]);

  const purl = `pkg:npm/${name.replace(/^@/, '%40')}@${version}`;
  for (const { predicateType, bundle } of attestations) {
    const { signer, statement } = verifiedStatement(bundle, trust, dist.integrity);
    expect(statement.predicateType).toBe(predicateType);
    expect(statement.subject).toEqual([{ name: purl, digest: { sha512: sha512Hex(dist.integrity) } }]);
    if (predicateType === SLSA_V1) {
      const { san, extensions } = certificateClaims(bundle, signer);
      expect(extensions[FULCIO_OIDS.sourceRepositoryUri]).toBe(REPOSITORY);
      expect(extensions[FULCIO_OIDS.issuer]).toBe('https://token.actions.githubusercontent.com');
      expect(san).toBe('https://github.com/acme/widgets/.github/workflows/release.yml@refs/heads/main');
    } else {
      expect(statement.predicate).toMatchObject({
        name,
        version,
        registry: rig.registry.url.replace(/\/$/, ''),
      });
    }
  }
}

describe('the local rig', () => {
  it('npm publish --provenance -w, from the workspace root', async () => {
    const dir = await twoPackages('@rig-npm');
    const started = Date.now();
    const result = await run(
      'npm',
      ['publish', '--provenance', '--access', 'public', '-w', '@rig-npm/a', '-w', '@rig-npm/b'],
      { cwd: dir, env: signingEnv(rig) },
    );
    timings.npmPublishTwoPackagesMs = Date.now() - started;
    expectSuccess(result);
    await expectSignedAndAttested('@rig-npm/a', '1.0.0');
    await expectSignedAndAttested('@rig-npm/b', '1.0.0');
    expect(rig.sigstore.requests.map((r) => `${r.host} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'fulcio.sigstore.dev /api/v2/signingCert',
        'rekor.sigstore.dev /api/v1/log/entries',
      ]),
    );
  });

  it('pnpm 9 -r publish with NPM_CONFIG_PROVENANCE', async () => {
    const dir = await twoPackages('@rig-pnpm', { manager: 'pnpm' }, 'workspace:^');
    const env = signingEnv(rig, { NPM_CONFIG_PROVENANCE: 'true' });
    expectSuccess(await run('pnpm', ['install'], { cwd: dir, env }));
    expectSuccess(
      await run('pnpm', ['-r', 'publish', '--access', 'public', '--no-git-checks'], { cwd: dir, env }),
    );
    await expectSignedAndAttested('@rig-pnpm/a', '1.0.0');
    await expectSignedAndAttested('@rig-pnpm/b', '1.0.0');
  });

  it('yarn berry npm publish --provenance', async () => {
    const dir = await twoPackages('@rig-yarn', { manager: 'yarn' }, 'workspace:^');
    await writeYarnrc(dir, rig.registry);
    const env = signingEnv(rig, { YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    expectSuccess(await run('yarn', ['install'], { cwd: dir, env }));
    expectSuccess(await run('yarn', YARN_PUBLISH_ALL, { cwd: dir, env }));
    await expectSignedAndAttested('@rig-yarn/a', '1.0.0');
    await expectSignedAndAttested('@rig-yarn/b', '1.0.0');
  });

  it('changeset publish in a git repository', async () => {
    const dir = await twoPackages('@rig-changesets', { changesets: true, git: true });
    const env = signingEnv(rig, { NPM_CONFIG_PROVENANCE: 'true', npm_config_registry: rig.registry.url });
    expectSuccess(await run('changeset', ['publish'], { cwd: dir, env }));
    await expectSignedAndAttested('@rig-changesets/a', '1.0.0');
    await expectSignedAndAttested('@rig-changesets/b', '1.0.0');
    const tags = execFileSync('git', ['tag'], { cwd: dir, encoding: 'utf8' });
    expect(tags.split('\n')).toContain('@rig-changesets/a@1.0.0');
  });

  it('prepublish puts a signed version in place; a second publish of it is refused', async () => {
    const published = await prepublish(rig.registry, { name: '@rig-pre/tool', version: '2.0.0' });
    const { body } = await getJson<Packument>(escapePackageName('@rig-pre/tool'));
    expect(body.versions['2.0.0']?.dist.integrity).toBe(published.integrity);
    expect(body.versions['2.0.0']?.dist.signatures?.[0]?.keyid).toBe(rig.registry.keyid);
    expect(body.versions['2.0.0']?.dist.attestations).toBeUndefined();
    await expect(prepublish(rig.registry, { name: '@rig-pre/tool', version: '2.0.0' })).rejects.toThrow(
      /409/,
    );
  });

  it('registries without our features: provenance dropped silently, or refused by stock Verdaccio', async () => {
    const [featuresOff, stock] = await Promise.all([
      startRegistry({ attestations: false, signatures: false }),
      startRegistry({ plugin: false }),
    ]);
    try {
      const publish = async (target: Registry, scope: string) => {
        const dir = await twoPackages(scope);
        await writeNpmrc(dir, target);
        const args = ['publish', '--provenance', '--access', 'public', '-w', `${scope}/a`];
        return run('npm', args, { cwd: dir, env: signingEnv(rig) });
      };
      const [accepted, refused] = await Promise.all([
        publish(featuresOff, '@rig-off'),
        publish(stock, '@rig-stock'),
      ]);

      expectSuccess(accepted);
      const packument = (await (await fetch(`${featuresOff.url}@rig-off%2fa`)).json()) as Packument;
      expect(packument.versions['1.0.0']?.dist.signatures).toBeUndefined();
      expect(packument.versions['1.0.0']?.dist.attestations).toBeUndefined();
      expect((await fetch(`${featuresOff.url}-/npm/v1/keys`)).status).toBe(404);
      expect((await fetch(`${featuresOff.url}-/npm/v1/attestations/@rig-off/a@1.0.0`)).status).toBe(404);

      expect(refused.exitCode).not.toBe(0);
      expect(refused.all).toContain('unsupported registry call');
    } finally {
      await Promise.all([featuresOff.stop(), stock.stop()]);
    }
    expect(processesMentioning(featuresOff.dir)).toEqual([]);
    expect(processesMentioning(stock.dir)).toEqual([]);
  });
});

function processesMentioning(text: string): string[] {
  const ps = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return ps.split('\n').filter((line) => line.includes(text));
}

describe('stopping the rig', () => {
  it('leaves no process behind', async () => {
    const extra = await startRegistry();
    const { pid, dir } = extra;
    expect(processesMentioning(dir)).toHaveLength(1);
    await extra.stop();
    expect(processesMentioning(dir)).toEqual([]);
    expect(() => process.kill(pid, 0)).toThrow();
  });
});
