// `provenant verify` of real publishes: npm publish --provenance under simulated
// GitHub Actions signs through the local Sigstore and lands in Verdaccio with
// attestations and registry signatures; provenant verifies what the registry holds
// with the rig's trust material (--trusted-root, --npm-keys).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, type RunResult } from '../packages/testing/dist/index.js';
import { runCli } from './helpers/run-cli.js';
import {
  REPOSITORY,
  WORKFLOW,
  fixture,
  signingEnv,
  startRig,
  stopRig,
  trustFlags,
  type Rig,
} from './helpers/rig.js';

const SCOPE = '@e2e-verify';
const A = `${SCOPE}/a`;
const B = `${SCOPE}/b`;
const PLAIN = `${SCOPE}/plain`;

let rig: Rig;
let dir: string;
const timings: Record<string, number> = {};

function expectOk(result: RunResult): void {
  expect(result.exitCode, result.all).toBe(0);
}

beforeAll(async () => {
  let started = Date.now();
  rig = await startRig();
  timings.rigStartMs = Date.now() - started;
  dir = await fixture(rig, {
    packages: [
      { name: A },
      { name: B, dependencies: { [A]: '^1.0.0' } },
      { name: PLAIN, version: '2.0.0' },
      { name: `${SCOPE}/internal`, private: true },
    ],
  });
  started = Date.now();
  expectOk(
    await run('npm', ['publish', '--provenance', '--access', 'public', '-w', A, '-w', B], {
      cwd: dir,
      env: signingEnv(rig),
    }),
  );
  timings.npmPublishProvenanceMs = Date.now() - started;
  // the same CI job, but provenance left off
  expectOk(
    await run('npm', ['publish', '--access', 'public', '-w', PLAIN], { cwd: dir, env: signingEnv(rig) }),
  );
});

afterAll(async () => {
  await stopRig(rig);
  console.log('verify-published timings', timings);
});

/** verify with the rig's trust, outside CI (so expectations come from flags or repository.url). */
async function verify(args: string[], cwd = dir) {
  const started = Date.now();
  const result = await runCli(
    ['verify', ...args, ...trustFlags(rig), '--registry', rig.registry.url, '--json'],
    { cwd, timeoutMs: 60_000 },
  );
  timings[`verify ${args.filter((a) => !a.startsWith('-')).join(' ') || '(workspace)'}`] =
    Date.now() - started;
  return result;
}

describe('provenant verify of real publishes', () => {
  it('verifies a version published with npm publish --provenance; identity = the simulated GitHub Actions job', async () => {
    const r = await verify([
      `${A}@1.0.0`,
      '--expect-repository',
      'acme/widgets',
      '--expect-workflow',
      WORKFLOW,
      '--expect-ref',
      'refs/heads/main',
    ]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [pkg] = r.json!.packages;
    expect(pkg).toMatchObject({ name: A, version: '1.0.0', status: 'verified', problems: [] });
    expect(pkg!.verification).toMatchObject({
      provenance: 'verified',
      publishAttestation: 'verified',
      registrySignature: 'verified',
      identity: {
        issuer: 'https://token.actions.githubusercontent.com',
        repository: REPOSITORY,
        workflow: WORKFLOW,
        ref: 'refs/heads/main',
      },
    });
    expect(pkg!.verification!.identity!.logIndex).toEqual(expect.any(Number));
    expect(pkg!.verification!.identity!.runUrl).toMatch(
      /^https:\/\/github\.com\/acme\/widgets\/actions\/runs\//,
    );
  });

  it('a wrong expected repository or workflow on a real publish: IDENTITY_MISMATCH', async () => {
    const r = await verify([`${A}@1.0.0`, '--expect-repository', 'acme/gadgets']);
    expect(r.code).toBe(1);
    expect(r.json!.packages[0]!.problems.map((p) => p.code)).toEqual(['IDENTITY_MISMATCH']);
  });

  it('with no spec, verifies the current version of every public workspace package', async () => {
    const r = await verify(['--filter', `!${PLAIN}`]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.json!.packages.map((p) => [p.name, p.version, p.dir, p.status])).toEqual([
      [A, '1.0.0', 'packages/a', 'verified'],
      [B, '1.0.0', 'packages/b', 'verified'],
    ]);
    // expectations came from each manifest's repository.url
    for (const p of r.json!.packages) expect(p.verification!.identity!.repository).toBe(REPOSITORY);
  });

  it('a package published without provenance: PROVENANCE_MISSING (or ATTESTATIONS_MISSING), exit 1', async () => {
    const r = await verify([`${PLAIN}@2.0.0`]);
    expect(r.code).toBe(1);
    const [pkg] = r.json!.packages;
    expect(pkg!.status).toBe('unverified');
    const errors = pkg!.problems.filter((p) => p.severity === 'error').map((p) => p.code);
    expect(errors).toHaveLength(1);
    expect(['PROVENANCE_MISSING', 'ATTESTATIONS_MISSING']).toContain(errors[0]);
    expect(pkg!.verification?.provenance).toBe('missing');

    // and the whole workspace run fails because of it, the others still verified
    const all = await verify([]);
    expect(all.code).toBe(1);
    expect(Object.fromEntries(all.json!.packages.map((p) => [p.name, p.status]))).toEqual({
      [A]: 'verified',
      [B]: 'verified',
      [PLAIN]: 'unverified',
    });
  });
});
