import type { PackageStatus, Report } from '@provenant/core';

const ICON: Record<PackageStatus, string> = {
  ready: '✅',
  verified: '✅',
  published: '📦',
  skipped: '⏭️',
  blocked: '❌',
  failed: '❌',
  unverified: '❌',
};

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, '<br>');
}

/** A Markdown summary for `$GITHUB_STEP_SUMMARY` or `--summary`. */
export function renderMarkdown(report: Report): string {
  const env = report.environment;
  const lines: string[] = [];
  lines.push(`## Provenant ${report.command}`);
  lines.push('');
  const s = report.summary;
  const counts = (Object.keys(s) as (keyof typeof s)[])
    .filter((k) => k !== 'total' && s[k] > 0)
    .map((k) => `${s[k]} ${k}`);
  lines.push(
    `**${s.total} package${s.total === 1 ? '' : 's'}**${counts.length ? `: ${counts.join(', ')}` : ''} · registry \`${report.registry}\``,
  );
  lines.push('');
  lines.push(
    `CI: ${env.ci}${env.runner ? ` (${env.runner})` : ''} · repository: ${env.repository ?? 'unknown'} · publisher: ${env.publisher ? `${env.publisher.name} ${env.publisher.version}` : 'not detected'}${env.provenanceVia ? ` · provenance via ${env.provenanceVia}` : ''}`,
  );
  if (env.problems.length > 0) {
    lines.push('');
    for (const prob of env.problems) {
      lines.push(
        `- **${prob.severity}** \`${prob.code}\`: ${cell(prob.message)}${prob.hint ? `<br>Fix: ${cell(prob.hint)}` : ''}`,
      );
    }
  }
  lines.push('');
  lines.push('| | package | status | details |');
  lines.push('|---|---|---|---|');
  for (const pkg of report.packages) {
    const details: string[] = [];
    const id = pkg.verification?.identity;
    if (id?.repository) details.push(`signed by ${id.repository}${id.workflow ? ` (${id.workflow})` : ''}`);
    if (id?.logIndex !== null && id?.logIndex !== undefined) details.push(`log index ${id.logIndex}`);
    for (const prob of pkg.problems) {
      details.push(`\`${prob.code}\` ${prob.message}${prob.hint ? ` — ${prob.hint}` : ''}`);
    }
    lines.push(
      `| ${ICON[pkg.status]} | \`${cell(pkg.name)}@${cell(pkg.version)}\` | ${pkg.status} | ${cell(details.join('\n'))} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}
