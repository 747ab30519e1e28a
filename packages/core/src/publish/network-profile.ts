import { NEARBY_RTT_MS, type NetworkProfile } from './in-flight.js';

/**
 * How far the registry is, from the round trip of its ping (`GET /-/ping`,
 * which npmjs.org, Verdaccio and the common proxies answer without
 * credentials; any answer will do, only its timing counts). The fastest of three
 * tries, the later ones on the connection the first opened. No answer within the
 * bound: `remote`, the choice that is never badly wrong (single-package
 * processes, as many as the CPU allows).
 */
export async function measureNetwork(
  registry: string,
  fetchImpl: typeof fetch,
  options: {
    now?: () => number;
    timeoutMs?: number;
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<{ profile: NetworkProfile; rttMs: number | null }> {
  const { now = () => performance.now(), timeoutMs = 2000, env = {} } = options;
  // PROVENANT_NETWORK_PROFILE=nearby|remote: say it instead (a LAN mirror behind a slow proxy)
  const given = env.PROVENANT_NETWORK_PROFILE;
  if (given === 'nearby' || given === 'remote') return { profile: given, rttMs: null };
  const url = `${registry.replace(/\/+$/, '')}/-/ping`;
  let best: number | null = null;
  for (let i = 0; i < 3; i++) {
    const started = now();
    try {
      const res = await fetchImpl(url, {
        signal: AbortSignal.timeout(timeoutMs),
        headers: { accept: 'application/json', 'accept-encoding': 'identity' },
      });
      await res.arrayBuffer();
    } catch {
      return { profile: 'remote', rttMs: best };
    }
    const took = now() - started;
    best = best === null ? took : Math.min(best, took);
  }
  return { profile: best !== null && best < NEARBY_RTT_MS ? 'nearby' : 'remote', rttMs: best };
}
