import type { ExchangeOutcome } from '../oidc/exchange.js';
import { gitlabCiFileOf, workflowFileOf, type IdTokenClaims } from '../oidc/jwt.js';
import { problem, type Problem, type Severity } from '../problems.js';

/** The claims npm matches, as we presented them (SPEC §7 "Matching"). */
export function presentedClaims(claims: IdTokenClaims): string {
  if (claims.projectPath) {
    return [
      `project ${claims.projectPath}`,
      `CI file ${gitlabCiFileOf(claims.ciConfigRefUri) ?? '(unknown)'}`,
      `environment ${claims.environment ?? '(none)'}`,
    ].join(', ');
  }
  return [
    `repository ${claims.repository ?? '(none)'}`,
    `workflow file ${workflowFileOf(claims.workflowRef) ?? '(none)'}`,
    `environment ${claims.environment ?? '(none)'}`,
  ].join(', ');
}

/** The exact `npm trust …` command that makes the registry accept this job. */
export function trustCommand(name: string, claims: IdTokenClaims): string {
  const env = claims.environment ? ` --env ${claims.environment}` : '';
  if (claims.projectPath) {
    const file = gitlabCiFileOf(claims.ciConfigRefUri) ?? '.gitlab-ci.yml';
    return `npm trust gitlab ${name} --project ${claims.projectPath} --file ${file}${env}`;
  }
  const file = workflowFileOf(claims.workflowRef) ?? '<workflow.yml>';
  return `npm trust github ${name} --repo ${claims.repository ?? '<owner/repo>'} --file ${file}${env}`;
}

export function trustHint(name: string, claims: IdTokenClaims): string {
  return `npmjs.com must hold exactly these values (package settings → Trusted publishing), e.g. with npm 11.15+:\n${trustCommand(name, claims)}`;
}

/** npm/cli#8544: a package must exist before a trusted publisher can be attached to it. */
export function firstPublishHint(name: string, claims: IdTokenClaims): string {
  return [
    `Bootstrap it once from your machine: npm publish --access public (in ${name}'s folder, with 2FA),`,
    `then attach this job as its trusted publisher: ${trustCommand(name, claims)}`,
    'then release through CI again.',
  ].join('\n');
}

/** 401, 400, HTML or 5xx from the exchange: one problem, a code per cause. */
export function exchangeFailure(
  name: string,
  outcome: Exclude<ExchangeOutcome, { kind: 'ok' | 'not-found' | 'not-implemented' }>,
  claims: IdTokenClaims,
  severity: Severity,
  /** The check's clock (ms since the epoch). */
  now: number,
): Problem {
  switch (outcome.kind) {
    case 'unauthorized':
    case 'bad-request': {
      const expired = claims.exp !== null && claims.exp * 1000 < now;
      return problem(
        'OIDC_TOKEN_REJECTED',
        severity,
        `The registry rejected the id token for ${name} (HTTP ${outcome.kind === 'unauthorized' ? 401 : 400}: ${outcome.message})${expired ? '; the token has expired' : ''}. Issuer ${claims.iss ?? '(none)'}, audience ${claims.aud.join(', ') || '(none)'}.`,
        'npm accepts only id tokens from https://token.actions.githubusercontent.com (GitHub-hosted runners) or https://gitlab.com, with the audience npm:<registry host>; request a fresh token in the job that publishes.',
      );
    }
    case 'bad-response':
      return problem(
        'OIDC_EXCHANGE_FAILED',
        severity,
        `The registry's token exchange for ${name} gave no usable answer: ${outcome.why}.`,
        'Run again later; if it persists, check that --registry points at the npm registry itself, not a proxy or login page.',
      );
    case 'unreachable':
      return problem(
        'OIDC_EXCHANGE_FAILED',
        severity,
        `The registry's token exchange for ${name} could not be reached: ${outcome.why}.`,
        'Check the network and --registry-timeout, then run again.',
      );
  }
}
