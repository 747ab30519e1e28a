import type { Report } from '@provenant/core';

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions `::error` workflow commands, one per error problem. */
export function renderAnnotations(report: Report): string[] {
  const lines: string[] = [];
  for (const prob of report.environment.problems) {
    if (prob.severity !== 'error') continue;
    lines.push(
      `::error title=${escapeProperty(prob.code)}::${escapeData(`${prob.message}${prob.hint ? `\n${prob.hint}` : ''}`)}`,
    );
  }
  for (const pkg of report.packages) {
    for (const prob of pkg.problems) {
      if (prob.severity !== 'error') continue;
      const file = pkg.dir
        ? `file=${escapeProperty(pkg.dir === '.' ? 'package.json' : `${pkg.dir}/package.json`)},`
        : '';
      lines.push(
        `::error ${file}title=${escapeProperty(`${prob.code} ${pkg.name}`)}::${escapeData(`${prob.message}${prob.hint ? `\n${prob.hint}` : ''}`)}`,
      );
    }
  }
  return lines;
}
