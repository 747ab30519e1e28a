import type { PackageReport, PackageStatus, Problem, Report } from '@provenant/core';
import { painter, type Painter } from '../output.js';
import { foldPackages, foldedLine } from './fold.js';
import { authColumn } from './auth-column.js';

const SYMBOL: Record<PackageStatus, string> = {
  ready: '✔',
  verified: '✔',
  published: '✔',
  skipped: '–',
  blocked: '✖',
  failed: '✖',
  unverified: '✖',
};

function paintStatus(p: Painter, status: PackageStatus, text: string): string {
  if (status === 'skipped') return p.dim(text);
  if (status === 'blocked' || status === 'failed' || status === 'unverified') return p.red(text);
  return p.green(text);
}

function renderProblem(p: Painter, prob: Problem, indent: string): string[] {
  const tag =
    prob.severity === 'error'
      ? p.red(prob.code)
      : prob.severity === 'warning'
        ? p.yellow(prob.code)
        : p.dim(prob.code);
  const lines = [`${indent}${tag}  ${prob.message}`];
  if (prob.hint) {
    for (const line of prob.hint.split('\n')) lines.push(`${indent}  ${p.dim('→')} ${line}`);
  }
  return lines;
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

function identityLine(pkg: PackageReport): string | null {
  const id = pkg.verification?.identity;
  if (!id) return null;
  const parts = [id.repository, id.workflow && `${id.workflow}${id.ref ? `@${id.ref}` : ''}`]
    .filter(Boolean)
    .join(' · ');
  return parts || null;
}

/**
 * The human report: environment first, then one line per package with its
 * problems and hints — what needs attention first; skipped packages with
 * nothing to act on are counted in one line unless `verbose`.
 */
export function renderReport(report: Report, color: boolean, options: { verbose?: boolean } = {}): string {
  const p = painter(color);
  const env = report.environment;
  const out: string[] = [];
  out.push(p.bold(`provenant ${report.command}`) + p.dim(`  registry ${report.registry}`));
  out.push('');
  out.push(p.bold('Environment'));
  const publisher = env.publisher ? `${env.publisher.name} ${env.publisher.version}` : 'not detected';
  out.push(`  CI          ${env.ci}${env.runner ? ` (${env.runner})` : ''}`);
  out.push(`  repository  ${env.repository ?? p.dim('unknown')}`);
  if (report.command !== 'verify')
    out.push(
      `  publisher   ${publisher}${env.npmVersion && env.publisher?.name !== 'npm' ? p.dim(`  (npm ${env.npmVersion})`) : ''}`,
    );
  if (report.command !== 'verify')
    out.push(
      `  provenance  ${env.provenanceVia ? `via ${env.provenanceVia}` : p.dim('no switch available')}`,
    );
  for (const prob of env.problems) out.push(...renderProblem(p, prob, '  '));
  out.push('');
  out.push(p.bold('Packages'));
  if (report.packages.length === 0) out.push(p.dim('  (none)'));
  const { shown, folded } = foldPackages(report.packages, options.verbose === true);
  const width = Math.min(48, Math.max(10, ...shown.map((x) => `${x.name}@${x.version}`.length)));
  for (const pkg of shown) {
    const id = `${pkg.name}@${pkg.version}`;
    const line = `  ${paintStatus(p, pkg.status, SYMBOL[pkg.status])} ${pad(id, width)}  ${paintStatus(p, pkg.status, pad(pkg.status, 11))}${pkg.dir ? p.dim(pkg.dir) : ''}${authColumn(p, pkg)}`;
    out.push(line);
    const identity = identityLine(pkg);
    if (identity) out.push(`      ${p.dim('signed by')} ${identity}`);
    for (const prob of pkg.problems) out.push(...renderProblem(p, prob, '      '));
  }
  const foldLine = foldedLine(folded);
  if (foldLine) out.push(`  ${p.dim('–')} ${p.dim(foldLine)}`);
  out.push('');
  const s = report.summary;
  const counts = (Object.keys(s) as (keyof typeof s)[])
    .filter((k) => k !== 'total' && s[k] > 0)
    .map((k) => `${s[k]} ${k}`);
  out.push(
    `${p.bold(`${s.total} package${s.total === 1 ? '' : 's'}`)}${counts.length ? `: ${counts.join(', ')}` : ''}`,
  );
  return out.join('\n');
}
