import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ProvenantError, messageOf, redactDeep, reportSucceeded, type Report } from '@provenant/core';
import type { CommonOptions } from './common-options.js';
import type { Output } from './output.js';
import { renderAnnotations } from './render/annotations.js';
import { renderMarkdown } from './render/markdown.js';
import { renderReport } from './render/terminal.js';

/**
 * Prints and writes a finished report in every form asked for, and returns
 * the exit code it stands for.
 */
export function emitReport(
  raw: Report,
  options: Pick<CommonOptions, 'json' | 'reportFile' | 'summaryFile'> & { verbose?: boolean },
  output: Output,
  env: Readonly<Record<string, string | undefined>>,
  render: (report: Report, color: boolean, options: { verbose?: boolean }) => string = renderReport,
): number {
  const report = redactDeep(raw);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  output.human(render(report, output.color, { verbose: options.verbose === true }));
  if (env.GITHUB_ACTIONS === 'true') {
    for (const line of renderAnnotations(report)) output.diag(line);
  }
  if (options.json) output.data(json);
  if (options.reportFile) writeOut(options.reportFile, json, false);
  if (options.summaryFile) {
    // $GITHUB_STEP_SUMMARY is shared by every step: append, never overwrite.
    writeOut(options.summaryFile, renderMarkdown(report), options.summaryFile === env.GITHUB_STEP_SUMMARY);
  }
  return reportSucceeded(report) ? 0 : 1;
}

function writeOut(file: string, text: string, append: boolean): void {
  try {
    mkdirSync(dirname(file), { recursive: true });
    if (append) appendFileSync(file, text);
    else writeFileSync(file, text);
  } catch (error) {
    throw new ProvenantError('USAGE', `Cannot write ${file}: ${messageOf(error)}`, {
      hint: 'Choose a writable path for --report / --summary.',
    });
  }
}
