import semver from 'semver';
import type { PublisherVersion } from '../publish/switches.js';

/**
 * Which publishers exchange the OIDC token themselves (SPEC §7, measured on
 * the rig). Kept here, apart from publish/switches.ts, so the facts about
 * trusted publishing live in one table:
 *
 * | publisher            | does the exchange itself                                    |
 * |----------------------|-------------------------------------------------------------|
 * | npm                  | from 11.5.1; on failure falls back to a stored token silently |
 * | pnpm ≤ 10            | through the npm it runs: that npm's rule                     |
 * | pnpm 11.0            | only without a stored token (it skipped OIDC when one existed) |
 * | pnpm ≥ 11.1          | yes; OIDC wins over a stored token                           |
 * | yarn berry           | 4.10+ with CI set, but a stored npmAuthToken always wins, and it |
 * |                      | asks for the audience `npm:<host:port>`: Provenant brokers      |
 * | changesets           | its child publisher's rule                                   |
 */
export const NPM_OIDC_MIN = '11.5.1';
export const PNPM_OIDC_TOKEN_WINS_MIN = '11.1.0';
export const YARN_OIDC_MIN = '4.10.0';

export interface PublisherOidc {
  /** The publisher exchanges per package by itself: Provenant lets it and keeps its CI variables. */
  native: boolean;
  /** Provenant can hand each package's publisher process its own exchanged token. */
  brokerable: boolean;
  /** Why it is not native, in words (null when native). */
  why: string | null;
}

const coerce = (v: string | null | undefined) => (v ? semver.coerce(v) : null);
const atLeast = (v: string | null | undefined, min: string) => {
  const c = coerce(v);
  return c !== null && semver.gte(c, min);
};

function npmRule(npmVersion: string | null, via: string | null): PublisherOidc {
  if (atLeast(npmVersion, NPM_OIDC_MIN)) return { native: true, brokerable: true, why: null };
  return {
    native: false,
    brokerable: true,
    why: `npm ${npmVersion ?? '(not found)'}${via ? `, which ${via} runs,` : ''} cannot exchange an OIDC token (npm ${NPM_OIDC_MIN}+ can)`,
  };
}

function pnpmRule(version: string | null, npmVersion: string | null, staticToken: boolean): PublisherOidc {
  const major = coerce(version)?.major ?? 0;
  if (major <= 10) return npmRule(npmVersion, `pnpm ${version ?? ''}`.trim());
  if (atLeast(version, PNPM_OIDC_TOKEN_WINS_MIN) || !staticToken)
    return { native: true, brokerable: true, why: null };
  return {
    native: false,
    brokerable: true,
    why: `pnpm ${version} skips OIDC when a stored token exists (fixed in ${PNPM_OIDC_TOKEN_WINS_MIN})`,
  };
}

/**
 * Whether the publisher does the exchange itself, and whether Provenant can
 * broker for it. changesets runs everything in one process, so it can only
 * be brokered package by package when… it cannot: one environment serves all.
 */
export function publisherOidc(
  publisher: PublisherVersion,
  npmVersion: string | null,
  staticToken: boolean,
): PublisherOidc {
  switch (publisher.name) {
    case 'npm':
      return npmRule(publisher.version, null);
    case 'pnpm':
      return pnpmRule(publisher.version, npmVersion, staticToken);
    case 'yarn':
      return {
        native: false,
        brokerable: true,
        why: atLeast(publisher.version, YARN_OIDC_MIN)
          ? `yarn ${publisher.version} lets a stored npmAuthToken win over OIDC, needs CI set, and asks for the audience npm:<host:port>`
          : `yarn ${publisher.version} cannot exchange an OIDC token (4.10+ can, only without a stored token)`,
      };
    case 'changesets': {
      const delegate = publisher.delegate;
      const inner =
        delegate?.name === 'pnpm'
          ? pnpmRule(delegate.version, npmVersion, staticToken)
          : npmRule(npmVersion, 'changesets');
      // One `changeset publish` process serves every package: no per-package token can be handed in.
      return { ...inner, brokerable: false };
    }
  }
}
