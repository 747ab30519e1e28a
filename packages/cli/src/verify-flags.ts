import { resolve } from 'node:path';
import type { IdentityPolicy, TrustOptions } from '@provenant/core';
import { boolFlag, stringFlag, type FlagValues } from './args.js';

/** `--expect-*`, `--trusted-root`, `--npm-keys`, `--offline`, `--tarball`: what verification is handed. */
export function readVerifyFlags(
  values: FlagValues,
  cwd: string,
): { policy: IdentityPolicy; tarball: boolean; trust: TrustOptions } {
  const trustedRoot = stringFlag(values, 'trusted-root');
  const npmKeys = stringFlag(values, 'npm-keys');
  const trust: TrustOptions =
    trustedRoot || npmKeys
      ? {
          mode: 'given',
          trustedRootPath: trustedRoot ? resolve(cwd, trustedRoot) : undefined,
          npmKeysPath: npmKeys ? resolve(cwd, npmKeys) : undefined,
        }
      : { mode: boolFlag(values, 'offline') ? 'offline' : 'online' };
  return {
    policy: {
      expectRepository: stringFlag(values, 'expect-repository'),
      expectWorkflow: stringFlag(values, 'expect-workflow'),
      expectRef: stringFlag(values, 'expect-ref'),
      expectIssuer: stringFlag(values, 'expect-issuer'),
      expectTrustedPublisher: boolFlag(values, 'expect-trusted-publisher'),
    },
    tarball: boolFlag(values, 'tarball'),
    trust,
  };
}
