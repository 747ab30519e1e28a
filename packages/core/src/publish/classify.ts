import { redact } from '../redact.js';
import type { PublishOutcome } from './types.js';

/**
 * Turns a failed publisher's output into an outcome. npm, pnpm (which runs
 * npm), yarn and changesets all pass the registry's own words through, so
 * one set of patterns serves them all.
 */
export function classifyFailure(
  output: string,
): Exclude<PublishOutcome, { kind: 'published' } | { kind: 'not-attempted' }> {
  const message = publisherMessage(output);
  if (
    /cannot publish over|previously published version|EPUBLISHCONFLICT|\bE409\b|409 \(?Conflict|already present/i.test(
      output,
    )
  ) {
    return { kind: 'already-published', message };
  }
  if (/\bEOTP\b|one-time pass(word|code)|\botp\b.*required|two-factor/i.test(output)) {
    return { kind: 'needs-otp', message };
  }
  if (/\bE429\b|\b429\b.*too many|too many requests|rate.?limit/i.test(output)) {
    return { kind: 'rate-limited', message, retryAfterMs: retryAfterMs(output) };
  }
  const transient =
    /\bE5\d\d\b|\b50[0-9] (Internal|Bad Gateway|Service Unavailable|Gateway)|ECONNRESET|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|EPIPE|socket hang up|network (error|timeout)|request to .* failed/i.test(
      output,
    );
  return { kind: 'failed', message, transient };
}

function retryAfterMs(output: string): number | null {
  const match = /retry[- ]after:?\s*(\d+)/i.exec(output);
  return match?.[1] ? Number(match[1]) * 1000 : null;
}

/**
 * The lines that carry the publisher's error, without npm's log-file noise,
 * tokens redacted, kept short.
 */
export function publisherMessage(output: string): string {
  const lines = output
    .split(/\r?\n/)
    // eslint-disable-next-line no-control-regex -- strips ANSI colours
    .map((l) => l.replace(/\u001b\[[0-9;]*m/g, '').trimEnd())
    .filter((l) => l.trim() !== '')
    .filter((l) => !/A complete log of this run|^npm (notice|warn|verbose|http|timing)\b/i.test(l));
  const errorLines = lines.filter((l) =>
    /error|ERR!|YN0\d{3}|ERR_PNPM|failed|denied|forbidden|E\d{3}\b/i.test(l),
  );
  const chosen = (errorLines.length > 0 ? errorLines : lines).slice(0, 12).join('\n');
  const text = chosen.length > 2000 ? `${chosen.slice(0, 2000)}…` : chosen;
  return redact(text || 'the publisher exited with an error and printed nothing');
}
