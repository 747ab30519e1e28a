import { buildReport, problem, type PackageReport, type PackageStatus } from '@provenant/core';
import { describe, expect, it } from 'vitest';
import { foldPackages, foldedLine } from './fold.js';
import { renderReport } from './terminal.js';

function pkg(name: string, status: PackageStatus, ...problems: PackageReport['problems']): PackageReport {
  return {
    name,
    version: '1.0.0',
    dir: `packages/${name}`,
    status,
    problems,
    publish: null,
    verification: null,
  };
}
const published = (name: string) =>
  pkg(name, 'skipped', problem('ALREADY_PUBLISHED', 'info', `${name}@1.0.0 is on the registry.`));
const privatePkg = (name: string) => pkg(name, 'skipped', problem('PRIVATE', 'info', 'private'));

/** babel's shape: 149 already published, 10 private, 3 that matter. */
function babelLike(): PackageReport[] {
  const out: PackageReport[] = [];
  for (let i = 0; i < 149; i++) out.push(published(`pub-${String(i).padStart(3, '0')}`));
  for (let i = 0; i < 10; i++) out.push(privatePkg(`priv-${i}`));
  out.splice(40, 0, pkg('ready-a', 'ready'));
  out.splice(90, 0, pkg('blocked-b', 'blocked', problem('REPOSITORY_MISSING', 'error', 'no repository')));
  out.splice(120, 0, pkg('ready-c', 'ready'));
  return out;
}

describe('foldPackages', () => {
  it('lists what needs attention first and counts the uneventful rest', () => {
    const { shown, folded } = foldPackages(babelLike(), false);
    expect(shown.map((p) => p.name)).toEqual(['blocked-b', 'ready-a', 'ready-c']);
    expect(folded).toEqual([
      { label: 'already published', count: 149 },
      { label: 'private', count: 10 },
    ]);
    expect(foldedLine(folded)).toBe('149 already published · 10 private — --verbose lists them');
  });

  it('keeps a skipped package with a warning listed', () => {
    const warned = pkg('w', 'skipped', problem('GIT_TAG_FAILED', 'warning', 'stale tag'));
    const { shown, folded } = foldPackages([published('p'), warned], false);
    expect(shown.map((p) => p.name)).toEqual(['w']);
    expect(foldedLine(folded)).toBe('1 already published — --verbose lists it');
  });

  it('puts failures before successes, report order within each', () => {
    const list = [pkg('v1', 'verified'), pkg('u', 'unverified'), pkg('v2', 'verified'), pkg('f', 'failed')];
    expect(foldPackages(list, false).shown.map((p) => p.name)).toEqual(['u', 'f', 'v1', 'v2']);
  });

  it('--verbose lists everything in report order', () => {
    const all = babelLike();
    const { shown, folded } = foldPackages(all, true);
    expect(shown).toEqual(all);
    expect(folded).toEqual([]);
    expect(foldedLine(folded)).toBeNull();
  });
});

describe('renderReport folding', () => {
  const report = buildReport({
    command: 'check',
    registry: 'https://registry.npmjs.org/',
    environment: {
      ci: 'none',
      repository: null,
      runner: null,
      publisher: { name: 'npm', version: '11.0.0' },
      npmVersion: '11.0.0',
      provenanceVia: 'flag',
      problems: [],
    },
    packages: babelLike(),
  });

  it('prints three rows and one counted line, not 162 rows', () => {
    const text = renderReport(report, false);
    expect(text).toContain('  – 149 already published · 10 private — --verbose lists them');
    expect(text).not.toContain('pub-000');
    expect(text.indexOf('blocked-b')).toBeLessThan(text.indexOf('ready-a'));
    expect(text.split('\n').length).toBeLessThan(25);
    expect(text).toContain('162 packages: 2 ready, 1 blocked, 159 skipped');
  });

  it('--verbose prints every package', () => {
    const text = renderReport(report, false, { verbose: true });
    for (const p of report.packages) expect(text).toContain(`${p.name}@1.0.0`);
    expect(text).not.toContain('--verbose lists');
  });
});
