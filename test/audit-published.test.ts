// `provenant audit` of real publishes on the local rig: versions published with
// `npm publish --provenance` under simulated GitHub Actions (signed by the local
// Sigstore, attested and registry-signed by Verdaccio with our plugin), and versions
// published from a "laptop" (a plain PUT, no provenance) after them: the regression.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEnv,
  makeTempDir,
  prepublish,
  run,
  toolPathEnv,
  writeNpmrc,
} from '../packages/testing/dist/index.js';
import {
  lockedFromRegistry,
  writeNpmLock,
  writePnpmLock,
  writeYarnLock,
  type LockedVersion,
} from './helpers/audit-lockfiles.js';
import { startNpmTufMirror } from './helpers/npm-tuf-mirror.js';
import { runCli, type CliResult } from './helpers/run-cli.js';
import { fixture, signingEnv, startRig, stopRig, trustFlags, type Rig } from './helpers/rig.js';

const SCOPE = '@e2e-audit';
const KEPT = `${SCOPE}/kept`;
const LOST = `${SCOPE}/lost`;
const PLAIN = `${SCOPE}/plain`;

let rig: Rig;
let locked: LockedVersion[];
let consumer: string;

beforeAll(async () => {
  rig = await startRig();
  const dir = await fixture(rig, { packages: [{ name: KEPT }, { name: LOST }] });
  const published = await run(
    'npm',
    ['publish', '--provenance', '--access', 'public', '-w', KEPT, '-w', LOST],
    {
      cwd: dir,
      env: signingEnv(rig),
    },
  );
  expect(published.exitCode, published.all).toBe(0);
  // later, from a laptop: a new version of LOST without provenance, and a package that never had any
  await prepublish(rig.registry, { name: LOST, version: '1.1.0' });
  await prepublish(rig.registry, { name: PLAIN, version: '1.0.0' });
  locked = await Promise.all(
    [`${KEPT}@1.0.0`, `${LOST}@1.1.0`, `${PLAIN}@1.0.0`].map((spec) =>
      lockedFromRegistry(rig.registry.url, spec),
    ),
  );
  consumer = await makeTempDir('audit-consumer');
  rig.temp.push(consumer);
});

afterAll(async () => {
  await stopRig(rig);
});

let n = 0;
async function project(write: (dir: string, v: LockedVersion[]) => void = writeNpmLock, policy?: unknown) {
  const dir = path.join(consumer, `p${++n}`);
  write(dir, locked);
  await writeNpmrc(dir, rig.registry);
  if (policy !== undefined) writeFileSync(path.join(dir, 'provenant.config.json'), JSON.stringify(policy));
  return dir;
}

const audit = (dir: string, args: string[] = []) =>
  runCli(['audit', ...trustFlags(rig), '--registry', rig.registry.url, '--json', '--no-cache', ...args], {
    cwd: dir,
    timeoutMs: 60_000,
  });

const verdicts = (r: CliResult) =>
  Object.fromEntries(
    r.json!.packages.map((p) => [
      p.name,
      [
        p.status,
        ...p.problems.filter((q) => q.severity !== 'info').map((q) => `${q.code}:${q.severity}`),
      ].join(' '),
    ]),
  );

describe('provenant audit of real publishes', () => {
  it.each([
    ['package-lock.json', writeNpmLock],
    ['pnpm-lock.yaml', writePnpmLock],
    ['yarn.lock', writeYarnLock],
  ])(
    '%s: provenance verified, the laptop publish after a provenance one is PROVENANCE_REGRESSED (warning)',
    async (_f, write) => {
      const r = await audit(await project(write));
      expect(r.code, r.stderr).toBe(0);
      expect(verdicts(r)).toEqual({
        [KEPT]: 'verified',
        [LOST]: 'verified PROVENANCE_REGRESSED:warning',
        [PLAIN]: 'verified',
      });
      const kept = r.json!.packages.find((p) => p.name === KEPT)!;
      expect(kept.verification).toMatchObject({
        provenance: 'verified',
        publishAttestation: 'verified',
        registrySignature: 'verified',
        identity: {
          repository: 'https://github.com/acme/widgets',
          workflow: '.github/workflows/release.yml',
        },
      });
      const regressed = r.json!.packages.find((p) => p.name === LOST)!.problems[0]!;
      expect(regressed.message).toContain('1.1.0');
      expect(regressed.message).toContain('1.0.0');
      expect(r.stderr).toContain('audited 3 packages');
      expect(r.stderr).toContain('3 packages have verified registry signatures');
      expect(r.stderr).toContain('1 package has a verified attestation');
    },
  );

  it('regression: "error" fails the run; allowMissing with a reason accepts it', async () => {
    const strict = await audit(await project(writeNpmLock, { audit: { regression: 'error' } }));
    expect(strict.code).toBe(1);
    expect(verdicts(strict)[LOST]).toBe('unverified PROVENANCE_REGRESSED:error');
    const allowed = await audit(
      await project(writeNpmLock, {
        audit: {
          regression: 'error',
          allowMissing: { [`${LOST}@1.1.0`]: 'hotfix published by hand, reviewed' },
        },
      }),
    );
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('an identity pin that matches, one that does not, and requireProvenance', async () => {
    const pinned = await audit(
      await project(writeNpmLock, {
        audit: {
          expect: { [KEPT]: { repository: 'acme/widgets', workflow: '.github/workflows/release.yml' } },
          requireProvenance: [`${SCOPE}/*`],
          allowMissing: { [`${LOST}@1.1.0`]: 'reviewed' },
        },
      }),
    );
    expect(pinned.code).toBe(1);
    expect(verdicts(pinned)).toEqual({
      [KEPT]: 'verified',
      [LOST]: 'verified',
      [PLAIN]: 'unverified POLICY_VIOLATION:error',
    });
    const wrong = await audit(
      await project(writeNpmLock, { audit: { expect: { [`${SCOPE}/k*`]: { repository: 'acme/gadgets' } } } }),
    );
    expect(wrong.code).toBe(1);
    expect(verdicts(wrong)[KEPT]).toBe('unverified IDENTITY_MISMATCH:error');
  });

  it('--installed reads node_modules after a real npm install; npm audit signatures reports the same counts', async () => {
    const dir = path.join(consumer, 'installed');
    await import('node:fs/promises').then((fs) => fs.mkdir(dir, { recursive: true }));
    writeFileSync(
      path.join(dir, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        version: '1.0.0',
        private: true,
        dependencies: { [KEPT]: '1.0.0', [LOST]: '1.1.0', [PLAIN]: '1.0.0' },
      }),
    );
    await writeNpmrc(dir, rig.registry);
    const npmEnv = toolPathEnv(cleanEnv());
    const install = await run('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, env: npmEnv });
    expect(install.exitCode, install.all).toBe(0);
    const r = await audit(dir, ['--installed']);
    expect(r.code, r.stderr).toBe(0);
    expect(verdicts(r)).toEqual({
      [KEPT]: 'verified',
      [LOST]: 'verified PROVENANCE_REGRESSED:warning',
      [PLAIN]: 'verified',
    });

    // Parity: npm's own `npm audit signatures` on the same installed tree and registry.
    const mirror = await startNpmTufMirror(rig.sigstore, rig.registry, consumer);
    try {
      const npm = await run('npm', ['audit', 'signatures'], {
        cwd: dir,
        env: { ...npmEnv, ...mirror.env },
        timeoutMs: 120_000,
      });
      expect(npm.exitCode, npm.all).toBe(0);
      expect(mirror.requests).toContain('GET /targets.json'); // npm took its trust from our TUF mirror
      const ours = await runCli(
        ['audit', '--installed', ...trustFlags(rig), '--registry', rig.registry.url, '--no-cache'],
        { cwd: dir, timeoutMs: 60_000 },
      );
      const countLines = (text: string) =>
        text
          .split('\n')
          .map((l) => l.replace(/ in \d+s$/, ''))
          .filter((l) => /^(audited \d+ packages?|\d+ packages? ha(s|ve) (a )?verified .*)$/.test(l));
      expect(countLines(npm.stdout)).toEqual([
        'audited 3 packages',
        '3 packages have verified registry signatures',
        '1 package has a verified attestation',
      ]);
      expect(countLines(ours.stdout)).toEqual(countLines(npm.stdout));
    } finally {
      await mirror.stop();
    }
  });
});
