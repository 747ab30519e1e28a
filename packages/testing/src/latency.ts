import type { ServerResponse } from 'node:http';

/**
 * WAN-like latency for the rig (`PROVENANT_RIG_LATENCY=get=60,put=1500,sigstore=400,oidc=150`):
 * loopback answers in a millisecond, registry.npmjs.org, Fulcio and Rekor do not.
 *
 * The ANSWER is delayed, not the request: holding back Verdaccio's `next()`
 * starves its body parser, so `res.end` is wrapped to fire at `start + delay`.
 * The server keeps working meanwhile, as a remote one would.
 */
export interface RigLatency {
  /** Registry GET/HEAD (packuments, attestations, tarballs), and its other non-PUT calls. */
  get: number;
  /** Registry PUT (a publish: npmjs checks the bundle and logs a publish attestation first). */
  put: number;
  /** Every POST to Fulcio, Rekor and the TSA. */
  sigstore: number;
  /** The CI's id-token endpoint. */
  oidc: number;
}

export type LatencyKind = keyof RigLatency;

export const NO_LATENCY: RigLatency = { get: 0, put: 0, sigstore: 0, oidc: 0 };

/** The profile of a GitHub-hosted runner talking to registry.npmjs.org and public Sigstore. */
export const WAN_LATENCY: RigLatency = { get: 60, put: 1500, sigstore: 400, oidc: 150 };

/** Parses `get=60,put=1500,…`; unknown kinds or bad numbers throw (a typo must not measure loopback). */
export function parseRigLatency(spec: string | undefined): RigLatency {
  const latency = { ...NO_LATENCY };
  if (spec === undefined || spec.trim() === '') return latency;
  if (spec.trim() === 'wan') return { ...WAN_LATENCY };
  for (const part of spec.split(',')) {
    const [kind, raw] = part.split('=').map((s) => s.trim());
    const ms = Number(raw);
    if (!kind || !(kind in latency) || raw === undefined || raw === '' || !Number.isFinite(ms) || ms < 0) {
      throw new Error(
        `PROVENANT_RIG_LATENCY: bad entry "${part}" (expected get|put|sigstore|oidc=<ms>, or "wan")`,
      );
    }
    latency[kind as LatencyKind] = ms;
  }
  return latency;
}

/** The latency of this process's environment (`PROVENANT_RIG_LATENCY`). */
export function rigLatencyFromEnv(env: NodeJS.ProcessEnv = process.env): RigLatency {
  return parseRigLatency(env.PROVENANT_RIG_LATENCY);
}

/** Which kind a registry request is. */
export function registryLatencyKind(method: string | undefined): LatencyKind {
  return method === 'PUT' ? 'put' : 'get';
}

/** Delays the end of this answer until `delayMs` after now (the request's arrival). */
export function delayAnswer(res: ServerResponse, delayMs: number): void {
  if (delayMs <= 0) return;
  const due = Date.now() + delayMs;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const wait = due - Date.now();
    if (wait <= 0) return end(...args);
    setTimeout(() => end(...args), wait);
    return res;
  }) as ServerResponse['end'];
}
