import { NEARBY_RTT_MS, type NetworkProfile } from './in-flight.js';

/**
 * How far the registry is, from the round trip of its ping (`GET /-/ping`,
 * which npmjs.org, Verdaccio and the common proxies answer without
 * credentials; any answer will do, only its timing counts). The faster of two
 * tries, the second on the connection the first opened. No answer within the
 * bound: `remote`, the choice that is never badly wrong (single-package
 * processes, as many as the CPU allows).
 */
export async function measureNetwork(
  registry: string,
  fetchImpl: typeof fetch,
  now: () => number = () => performance.now(),
  timeoutMs = 2000,
): Promise<{ profile: NetworkProfile; rttMs: number | null }> {
  const url = `${registry.replace(/\/+$/, '')}/-/ping`;
  let best: number | null = null;
  for (let i = 0; i < 2; i++) {
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
