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
  const auth = classifyAuthFailure(output, message);
  if (auth) return auth;
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

const TRUSTED_PUBLISHING_HINT =
  'Publish through trusted publishing instead: configure it for the package on npmjs.com (`npm trust github <pkg> --repo <owner/repo> --file <workflow.yml>`) and release from CI with `id-token: write` and no stored token (`provenant check --auth oidc` shows what is missing).';

/**
 * The registry's refusals of a stored token (SPEC §7 "Token policy"): a
 * package that requires 2FA or trusted publishing, and an expired or revoked
 * token (npm prints the notice, then a 404 for the PUT). A bare E404 or
 * ENEEDAUTH on a publish is, under a CI with OIDC, most often a token
 * exchange that failed silently: the hint says so.
 */
export function classifyAuthFailure(
  output: string,
  message: string,
): Extract<PublishOutcome, { kind: 'failed' }> | null {
  if (
    /Two-factor authentication or granular access token with bypass 2fa enabled is required/i.test(output)
  ) {
    return {
      kind: 'failed',
      message,
      transient: false,
      code: 'TOKEN_NOT_ALLOWED',
      hint: TRUSTED_PUBLISHING_HINT,
    };
  }
  if (/Access token expired or revoked/i.test(output)) {
    return {
      kind: 'failed',
      message: /expired or revoked/i.test(message) ? message : `Access token expired or revoked. ${message}`,
      transient: false,
      code: 'TOKEN_EXPIRED',
      hint: `Write tokens live at most 90 days and classic tokens are revoked. ${TRUSTED_PUBLISHING_HINT}`,
    };
  }
  if (/\bE404\b[\s\S]*\bPUT\b|\bENEEDAUTH\b/.test(output)) {
    return {
      kind: 'failed',
      message,
      transient: false,
      hint: 'npm answers E404 (or ENEEDAUTH) on a publish when its trusted-publishing exchange failed and it fell back to a stored token (or none): run `provenant check --auth oidc` in this job to see which claim does not match.',
    };
  }
  return null;
}
