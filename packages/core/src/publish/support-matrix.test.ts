import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PUBLISHER_GENERATIONS, generationOf, nodeSatisfies } from './support-matrix.js';
import { TABLE_END, TABLE_START, renderSupportTable, withSupportTable } from './support-table.js';

const label = (name: Parameters<typeof generationOf>[0], version: string | null) => {
  const { generation, known } = generationOf(name, version);
  return `${generation.label}${known ? '' : ' (assumed)'}`;
};

describe('publisher support matrix', () => {
  it('places every measured version in its generation', () => {
    expect(label('npm', '10.9.9')).toBe('npm 9.5–10');
    expect(label('npm', '11.21.2')).toBe('npm 11');
    expect(label('npm', '12.2.2')).toBe('npm 12');
    expect(label('npm', '9.4.0')).toBe('npm < 9.5');
    expect(label('pnpm', '9.15.9')).toBe('pnpm 9');
    expect(label('pnpm', '10.34.9')).toBe('pnpm 10');
    expect(label('pnpm', '11.28.11')).toBe('pnpm 11');
    expect(label('pnpm', '12.23.0')).toBe('pnpm 12');
    expect(label('yarn', '4.18.1')).toBe('yarn 4.9+');
    expect(label('yarn', '1.22.22')).toBe('yarn < 4.9');
    expect(label('changesets', '2.31.1')).toBe('changesets 2');
    expect(label('changesets', '3.0.3')).toBe('changesets 3');
    expect(label('pnpm', '12.0.0-rc.1')).toBe('pnpm 12');
  });

  it('a version outside every range gets the nearest generation, marked unknown', () => {
    expect(label('pnpm', '13.1.0')).toBe('pnpm 12 (assumed)');
    expect(label('pnpm', '8.15.0')).toBe('pnpm 9 (assumed)');
    expect(label('npm', '13.0.0')).toBe('npm 12 (assumed)');
    expect(label('yarn', '5.0.0')).toBe('yarn 4.9+ (assumed)');
    expect(label('changesets', '4.0.0')).toBe('changesets 3 (assumed)');
    expect(label('changesets', '1.9.0')).toBe('changesets 2 (assumed)');
    expect(label('pnpm', null)).toBe('pnpm 12 (assumed)');
  });

  it('generations of one publisher do not overlap', () => {
    for (const g of PUBLISHER_GENERATIONS) {
      const probe =
        g.range
          .replace(/[^\d.]/g, ' ')
          .trim()
          .split(' ')[0] ?? '';
      if (probe === '') continue;
      const hits = PUBLISHER_GENERATIONS.filter(
        (o) => o.publisher === g.publisher && generationOf(g.publisher, probe).generation === o,
      );
      expect(hits, g.label).toHaveLength(1);
    }
  });

  it('honoured and ignored switches never overlap; pnpm 11/12 ignore npm config, 9/10 the pnpm one', () => {
    for (const g of PUBLISHER_GENERATIONS)
      expect(
        g.honours.filter((s) => g.ignores.includes(s)),
        g.label,
      ).toEqual([]);
    expect(generationOf('pnpm', '11.0.0').generation.ignores).toEqual(['npm-env', 'npmrc', 'publish-config']);
    expect(generationOf('pnpm', '10.0.0').generation.ignores).toContain('pnpm-env');
    expect(generationOf('pnpm', '10.0.0').generation.ignores).toContain('flag-recursive');
  });

  it('Node needs: npm 12 warns below 22.22, changesets 3 and pnpm 11 fail below 22', () => {
    const npm12 = generationOf('npm', '12.2.2').generation;
    expect(nodeSatisfies(npm12, '20.20.2')).toBe(false);
    expect(npm12.nodeSoft).toBe(true);
    expect(nodeSatisfies(npm12, '22.23.5')).toBe(true);
    expect(nodeSatisfies(npm12, '24.22.3')).toBe(true);
    const cs3 = generationOf('changesets', '3.0.3').generation;
    expect(nodeSatisfies(cs3, '20.20.2')).toBe(false);
    expect(cs3.nodeSoft).toBe(false);
    expect(nodeSatisfies(cs3, '22.11.0')).toBe(true);
    expect(nodeSatisfies(generationOf('pnpm', '11.0.0').generation, '22.12.0')).toBe(false);
    expect(nodeSatisfies(generationOf('pnpm', '12.0.0').generation, '20.0.0')).toBe(true);
  });
});

describe('README support table', () => {
  it('matches the matrix (regenerate: node packages/core/dist/publish/support-table.js README.md)', () => {
    const readme = readFileSync(join(import.meta.dirname, '../../../../README.md'), 'utf8');
    const start = readme.indexOf(TABLE_START);
    const end = readme.indexOf(TABLE_END);
    expect(start).toBeGreaterThan(-1);
    expect(readme.slice(start + TABLE_START.length, end).trim()).toBe(renderSupportTable());
    expect(withSupportTable(readme)).toBe(readme);
  });

  it('one row per generation, no cell split by a pipe', () => {
    const rows = renderSupportTable().split('\n');
    expect(rows).toHaveLength(PUBLISHER_GENERATIONS.length + 2);
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(10);
  });
});
