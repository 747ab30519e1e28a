import type { InFlightLimit } from '../publish/in-flight.js';
import { publishInOrder } from '../publish/scheduler.js';
import { logsAcceptance, type PlannedTarget } from '../publish/publish-all.js';
import type { PublisherAdapter } from '../publish/types.js';
import type { ProvenanceSwitch } from '../provenance/switch.js';
import { formatInvocation } from './events.js';
import { packsOnDemand } from './pack-step.js';

/** The exact commands a release would run (`--dry-run`), in the order the scheduler would start them. */
export async function dryRunCommands(
  adapter: PublisherAdapter,
  targets: readonly PlannedTarget[],
  command: Omit<Parameters<PublisherAdapter['publishInvocation']>[1], 'tag'>,
  sw: ProvenanceSwitch,
  concurrency: InFlightLimit,
  root: string,
): Promise<string[]> {
  // a publisher that reports each upload's integrity is packed only to settle an uncertain answer
  const lines = packsOnDemand(adapter)
    ? []
    : adapter
        .packInvocations(targets, { root, tmpDir: '<tmp>', env: sw.env, registry: command.registry })
        .map((inv) => formatInvocation(inv, root));
  // what it packed is what it publishes: the tarball (pnpm), or the pack folder (changesets 3)
  const tarballs = adapter.publishesPackedTarball
    ? new Map(
        targets.map((t) => [
          t.name,
          adapter.batching === 'whole'
            ? '<tmp>'
            : `<tmp>/${t.name.replace(/^@/, '').replace('/', '-')}-${t.version}.tgz`,
        ]),
      )
    : undefined;
  const byName = new Map(targets.map((t) => [t.name, t]));
  const logAcceptance = logsAcceptance(adapter, concurrency);
  await publishInOrder(
    targets.map((t) => ({ name: t.name, deps: t.deps })),
    {
      concurrency,
      batching: adapter.batching,
      chains: adapter.batchInOrder === true,
      acceptsEarly: logAcceptance,
      run: (names) => {
        const group = names.map((n) => byName.get(n)).filter((t): t is PlannedTarget => !!t);
        const tags = [...new Set(group.map((t) => t.tag))];
        for (const tag of tags) {
          const inv = adapter.publishInvocation(
            group.filter((t) => t.tag === tag),
            {
              ...command,
              tag,
              logAcceptance,
              ...(tarballs ? { tarballs } : {}),
            },
          );
          lines.push(formatInvocation(inv, root));
        }
        return Promise.resolve(new Map(names.map((n) => [n, true])));
      },
    },
  );
  return lines;
}
