import type { ExecFn, ExecResult } from '../../context.js';
import type { Packument } from '../../registry/packument.js';
import { npmAdapter } from '../npm.js';
import type { PlannedTarget, PublishAllInput } from '../publish-all.js';

/**
 * A fake registry plus a fake `npm publish -w … --json` that writes into it, publishing
 * in the order given and stopping at the first failure, as npm does. Shared by the
 * publishAll unit tests (not built into dist: see tsconfig's exclude).
 */
export function fakeNpm(script: Record<string, Array<'ok' | '429' | '503' | 'fail' | 'lost'>> = {}) {
  const registry = new Map<string, string>(); // name → integrity
  const runs: string[][] = [];
  const exec: ExecFn = (_file, args) => {
    const names = args.flatMap((a, i) => (args[i - 1] === '-w' ? [a] : []));
    runs.push(names);
    const json: Record<string, unknown> = {};
    for (const name of names) {
      const step = script[name]?.shift() ?? 'ok';
      const integrity = `sha512-${name}`;
      if (registry.has(name)) {
        json.error = { summary: 'You cannot publish over the previously published versions: 1.0.0.' };
        return fail(json, 'npm error You cannot publish over the previously published versions: 1.0.0.');
      }
      if (step === '429')
        return fail(json, 'npm error code E429\nnpm error 429 Too Many Requests - PUT http://r/x');
      if (step === '503')
        return fail(json, 'npm error code E503\nnpm error 503 Service Unavailable - PUT http://r/x');
      if (step === 'fail')
        return fail(json, 'npm error code E403\nnpm error 403 Forbidden - you do not have permission');
      registry.set(name, integrity);
      if (step === 'lost') return fail(json, 'npm error code ECONNRESET\nnpm error network socket hang up');
      json[name] = { id: `${name}@1.0.0`, name, integrity };
    }
    return Promise.resolve({ exitCode: 0, stdout: JSON.stringify(json), stderr: '' });
  };
  const fail = (json: Record<string, unknown>, stderr: string): Promise<ExecResult> =>
    Promise.resolve({ exitCode: 1, stdout: JSON.stringify(json), stderr });
  const getPackument = (name: string): Promise<Packument | null> => {
    const integrity = registry.get(name);
    return Promise.resolve(integrity ? { name, versions: { '1.0.0': { dist: { integrity } } } } : null);
  };
  return { registry, runs, exec, getPackument };
}

export const target = (name: string, deps: string[] = []): PlannedTarget => ({
  name,
  version: '1.0.0',
  dir: `/r/packages/${name}`,
  relDir: `packages/${name}`,
  deps,
  tag: undefined,
});

export function input(
  fake: ReturnType<typeof fakeNpm>,
  targets: PlannedTarget[],
  extra: Partial<PublishAllInput> = {},
): PublishAllInput {
  return {
    adapter: npmAdapter('11.6.0'),
    targets,
    command: { root: '/r', registry: 'http://r/', access: 'public', provenanceArgs: [], provenanceEnv: {} },
    packed: new Map(targets.map((t) => [t.name, `sha512-${t.name}`])),
    concurrency: 2,
    retries: 3,
    exec: fake.exec,
    env: {},
    getPackument: fake.getPackument,
    sleep: () => Promise.resolve(),
    now: () => 0,
    ...extra,
  };
}
