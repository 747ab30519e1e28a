// Reports that scale: a generated workspace shaped like babel's (160 packages,
// most already on the registry, some private, a few that matter), checked and
// released against the rig. The terminal report lists what needs attention
// and counts the rest; --verbose lists every package; JSON and Markdown stay complete.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepublish, type FixturePackage } from '../packages/testing/dist/index.js';
import type { Report } from '../packages/core/dist/index.js';
import { check, githubEnv } from './helpers/check-rig.js';
import { releaseHuman } from './helpers/release-human.js';
import { REPOSITORY, fixture, startRig, stopRig, tempDir, type Rig } from './helpers/rig.js';

const SCOPE = '@fold';
const PUBLISHED = 147;
const PRIVATE = 10;
const names = {
  published: Array.from({ length: PUBLISHED }, (_, i) => `${SCOPE}/lib-${String(i).padStart(3, '0')}`),
  private: Array.from({ length: PRIVATE }, (_, i) => `${SCOPE}/internal-${i}`),
  ready: [`${SCOPE}/new-parser`, `${SCOPE}/new-types`],
  blocked: `${SCOPE}/no-repository`,
};
const TOTAL = PUBLISHED + PRIVATE + names.ready.length + 1;

let rig: Rig;
let dir: string;
let home: string;

beforeAll(async () => {
  rig = await startRig();
  home = await tempDir(rig, 'fold-home');
  const packages: FixturePackage[] = [
    ...names.published.map((name) => ({ name, publishConfig: { access: 'public' } })),
    ...names.private.map((name) => ({ name, private: true })),
    ...names.ready.map((name) => ({ name, publishConfig: { access: 'public' } })),
    { name: names.blocked, repository: false as const, publishConfig: { access: 'public' } },
  ];
  dir = await fixture(rig, { packages });
  // already on the registry at the workspace's version: ALREADY_PUBLISHED, skipped
  const queue = [...names.published];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let name = queue.shift(); name; name = queue.shift())
        await prepublish(rig.registry, { name, version: '1.0.0', manifest: { repository: REPOSITORY } });
    }),
  );
}, 120_000);
afterAll(async () => {
  await stopRig(rig);
});

const packageRows = (text: string) => text.split('\n').filter((l) => /^ {2}[✔✖–] \S+@\d/.test(l));

describe('terminal report folding on a 160-package workspace', () => {
  it('check: three rows and one counted line; --report JSON and --summary Markdown list all 160', async () => {
    const out = await tempDir(rig, 'fold-out');
    const reportFile = join(out, 'report.json');
    const summaryFile = join(out, 'summary.md');
    const result = await check(
      dir,
      ['--report', reportFile, '--summary', summaryFile],
      githubEnv(home, 'acme/widgets'),
      90_000,
    );
    expect(result.code, result.stderr).toBe(1); // one package is blocked
    const rows = packageRows(result.stdout);
    expect(rows.map((r) => r.split(/\s+/)[2])).toEqual([
      `${names.blocked}@1.0.0`,
      `${names.ready[0]}@1.0.0`,
      `${names.ready[1]}@1.0.0`,
    ]);
    expect(result.stdout).toContain(
      `${PUBLISHED} already published · ${PRIVATE} private — --verbose lists them`,
    );
    expect(result.stdout).toContain(`${TOTAL} packages`);
    expect(result.stdout).not.toContain(names.published[0]);

    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report;
    expect(report.packages).toHaveLength(TOTAL);
    const byCode = (code: string) => report.packages.filter((p) => p.problems.some((x) => x.code === code));
    expect(byCode('ALREADY_PUBLISHED')).toHaveLength(PUBLISHED);
    expect(byCode('PRIVATE')).toHaveLength(PRIVATE);
    expect(report.summary).toMatchObject({
      total: TOTAL,
      ready: 2,
      blocked: 1,
      skipped: PUBLISHED + PRIVATE,
    });
    const markdown = readFileSync(summaryFile, 'utf8');
    for (const name of [...names.published, ...names.private, ...names.ready])
      expect(markdown).toContain(name);
  });

  it('check --verbose lists every package', async () => {
    const result = await check(dir, ['--verbose'], githubEnv(home, 'acme/widgets'), 90_000);
    expect(result.code, result.stderr).toBe(1);
    expect(packageRows(result.stdout)).toHaveLength(TOTAL);
    expect(result.stdout).not.toContain('--verbose lists');
  });

  it('release: what it published is listed, the 157 skipped are counted; the JSON report is complete', async () => {
    const result = await releaseHuman(rig, dir, ['--filter', `!${names.blocked}`]);
    expect(result.code, result.stderr).toBe(0);
    const report = result.report;
    expect(report.packages).toHaveLength(TOTAL - 1);
    expect(report.packages.filter((p) => p.status === 'verified').map((p) => p.name)).toEqual(names.ready);
    // the report's rows (the progress output before it may name packages too)
    const tail = result.stdout.slice(result.stdout.lastIndexOf('provenant release'));
    expect(packageRows(tail).map((r) => r.split(/\s+/)[2])).toEqual(names.ready.map((n) => `${n}@1.0.0`));
    expect(tail).toContain(`${PUBLISHED} already published · ${PRIVATE} private — --verbose lists them`);
  });
});
