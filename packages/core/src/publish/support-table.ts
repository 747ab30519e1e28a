import { pathToFileURL } from 'node:url';
import { PUBLISHER_GENERATIONS, SWITCH_LABELS, type PublisherGeneration } from './support-matrix.js';
import { provenanceEnvVariables } from './switches.js';

/** The README's "Supported publishers" table sits between these markers. */
export const TABLE_START =
  '<!-- support-table:start (generated from packages/core/src/publish/support-matrix.ts) -->';
export const TABLE_END = '<!-- support-table:end -->';

const OIDC: Record<PublisherGeneration['oidc'], string> = {
  itself: 'itself',
  'through-npm': 'through npm',
  'through-child': 'through the tool it runs',
  never: '–',
};

/** What Provenant sets for a generation with `--provenance-via auto`. */
function provenantSets(g: PublisherGeneration): string {
  if (g.honours.length === 0) return '– (no provenance: PUBLISHER_NO_PROVENANCE / NPM_TOO_OLD)';
  const version =
    g.range
      .replace(/[^\d.]/g, ' ')
      .trim()
      .split(' ')[0] ?? '';
  const env = Object.keys(
    provenanceEnvVariables({
      name: g.publisher,
      version,
      ...(g.publisher === 'changesets' ? { delegate: { name: 'npm' as const, version: null } } : {}),
    }),
  );
  if (g.publisher === 'pnpm')
    return `\`--provenance\` per package + ${env.map((e) => `\`${e}\``).join(' + ')}`;
  if (g.publisher === 'changesets')
    return 'the variables of the tool it runs (`NPM_CONFIG_PROVENANCE`; pnpm: + `PNPM_CONFIG_PROVENANCE`; yarn: `YARN_NPM_PUBLISH_PROVENANCE`)';
  return env.map((e) => `\`${e}\``).join(' + ');
}

/** The Markdown table, one row per generation. */
export function renderSupportTable(): string {
  const rows = PUBLISHER_GENERATIONS.map((g) =>
    [
      g.label,
      `\`${g.range}\``,
      g.node ?? 'any (20, 22, 24)',
      g.publishes,
      g.honours.map((s) => SWITCH_LABELS[s]).join(', ') || '–',
      g.ignores.map((s) => SWITCH_LABELS[s]).join(', ') || '–',
      OIDC[g.oidc] + (g.autoProvenanceUnderOidc ? ' (provenance on by itself)' : ''),
      provenantSets(g),
    ]
      // a `|` inside a cell (Node ranges) would split it
      .map((cell) => cell.replace(/\|/g, '\\|'))
      .join(' | '),
  );
  return [
    '| publisher | versions | Node | how it publishes | provenance switches honoured | ignored silently | OIDC | Provenant sets |',
    '|---|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** The README text with its table replaced by the generated one (null when the markers are missing). */
export function withSupportTable(readme: string): string | null {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start === -1 || end < start) return null;
  return `${readme.slice(0, start + TABLE_START.length)}\n${renderSupportTable()}\n${readme.slice(end)}`;
}

// `node packages/core/dist/publish/support-table.js README.md` rewrites the table in place.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { readFileSync, writeFileSync } = await import('node:fs');
  const file = process.argv[2];
  if (file) {
    const next = withSupportTable(readFileSync(file, 'utf8'));
    if (next === null) {
      process.stderr.write(`${file} has no ${TABLE_START} … ${TABLE_END} markers\n`);
      process.exitCode = 2;
    } else writeFileSync(file, next);
  } else process.stdout.write(`${renderSupportTable()}\n`);
}
