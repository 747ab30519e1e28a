import { describe, expect, it } from 'vitest';
import type { ExecFn } from '../context.js';
import { adaptiveInFlight, fixedInFlight, publishLimit } from './in-flight.js';
import { acceptedByRegistry } from './npm.js';
import { publishAll, type PublishAllInput } from './publish-all.js';
import { extendChains, extendLinear, mergeShortChains, shareOutInBlocks } from './batches.js';
import { publishInOrder, type ScheduleNode } from './scheduler.js';
import { fakeNpm, input, target } from './test-support/fake-npm.js';
import { yarnAdapter } from './yarn.js';

/** The bench's shape: 3 levels of `width`, level k+1 package i depends on level k's i and i+1. */
function dag(width: number): ScheduleNode[] {
  const name = (level: number, i: number) => `l${level}p${String(i % width).padStart(2, '0')}`;
  return [0, 1, 2].flatMap((level) =>
    Array.from({ length: width }, (_, i) => ({
      name: name(level, i),
      deps: level === 0 ? [] : [name(level - 1, i), name(level - 1, i + 1)],
    })),
  );
}

const ok = (names: string[]) => Promise.resolve(new Map(names.map((n) => [n, true])));

describe('chains (a batch carries packages after their own dependencies)', () => {
  it('shareOutInBlocks keeps neighbours together', () => {
    expect(shareOutInBlocks(['a', 'b', 'c', 'd', 'e'], 2, 10)).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(shareOutInBlocks(['a', 'b', 'c'], 5, 1)).toEqual([['a'], ['b'], ['c']]);
  });

  it('extendChains adds only packages whose unpublished dependencies are all earlier in that batch', () => {
    const deps = new Map<string, string[]>([
      ['a', []],
      ['b', []],
      ['ab', ['a', 'b']],
      ['a2', ['a']],
      ['a3', ['a2', 'done']],
      ['b2', ['b']],
    ]);
    const batches = extendChains(
      [['a'], ['b']],
      new Set(['ab', 'a2', 'a3', 'b2']),
      deps,
      new Map([['done', 'done']]),
      10,
    );
    expect(batches).toEqual([
      ['a', 'a2', 'a3'],
      ['b', 'b2'],
    ]);
    // the cap holds
    expect(extendChains([['a']], new Set(['a2', 'a3']), deps, new Map([['done', 'done']]), 2)).toEqual([
      ['a', 'a2'],
    ]);
  });

  it('the 60-package DAG over 2 chained slots takes 3 processes (two chains, then the rest in one), each in dependency order', async () => {
    const calls: string[][] = [];
    const nodes = dag(20);
    const state = await publishInOrder(nodes, {
      concurrency: fixedInFlight(2, true),
      batching: 'batch',
      chains: true,
      run: (names) => {
        calls.push(names);
        return ok(names);
      },
    });
    expect([...state.values()].every((s) => s === 'done')).toBe(true);
    expect(calls.map((c) => c.length)).toEqual([27, 27, 6]);
    expect(calls.flat().sort()).toEqual(nodes.map((n) => n.name).sort());
    // every package comes after its dependencies: in its own process, or in one that ran before
    const doneBefore = new Set<string>();
    for (const batch of calls) {
      const seen = new Set(doneBefore);
      for (const name of batch) {
        for (const d of nodes.find((n) => n.name === name)?.deps ?? []) expect(seen.has(d)).toBe(true);
        seen.add(name);
      }
      for (const name of batch) doneBefore.add(name);
    }
  });

  it('a short later round goes in as few processes as it fills; a first round still uses every slot', async () => {
    expect(mergeShortChains([['a', 'b'], ['c'], ['d', 'e']], 8)).toEqual([['a', 'b', 'c', 'd', 'e']]);
    expect(
      mergeShortChains(
        [
          ['a', 'b'],
          ['c', 'd'],
        ],
        2,
      ),
    ).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(mergeShortChains([['a'], ['b'], ['c'], ['d']], 2)).toEqual([
      ['a', 'c'],
      ['b', 'd'],
    ]);
    const calls: string[][] = [];
    const run = (names: string[]) => {
      calls.push(names);
      return ok(names);
    };
    // six independent packages: one round, both slots
    const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => ({ name, deps: [] }));
    await publishInOrder(six, { concurrency: fixedInFlight(2, true), batching: 'batch', chains: true, run });
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e', 'f'],
    ]);
  });

  it('no chains without the limit allowing them (a remote registry), nor for a publisher that runs a batch at once', async () => {
    const calls: string[][] = [];
    const run = (names: string[]) => {
      calls.push(names);
      return ok(names);
    };
    await publishInOrder(dag(4), { concurrency: fixedInFlight(2), batching: 'batch', chains: true, run });
    expect(calls.length).toBeGreaterThan(4);
    expect(yarnAdapter('4.18.1').batchInOrder).toBeUndefined();
  });

  it('publishLimit: nearby → one process per core with chains; remote → adaptive, single packages first', () => {
    const nearby = publishLimit(undefined, 'nearby');
    expect([nearby.adaptive, nearby.chains]).toEqual([false, true]);
    const remote = publishLimit(undefined, 'remote');
    expect([remote.adaptive, remote.chains, remote.batchCap()]).toEqual([true, false, 1]);
    expect(publishLimit(16, 'remote')).toMatchObject({ adaptive: false, chains: false });
  });
});

describe('publishAll with chains (npm)', () => {
  it('a failure inside a chain blocks its dependents there; the rest of the chain still goes out', async () => {
    const fake = fakeNpm({ b: ['fail', 'fail'] });
    const records = await publishAll(
      input(fake, [target('a'), target('b', ['a']), target('c', ['b']), target('x', ['a'])], {
        concurrency: fixedInFlight(1, true),
      }),
    );
    expect(fake.runs[0]).toEqual(['a', 'b', 'c', 'x']);
    expect(records.get('a')?.state).toBe('published');
    expect(records.get('b')?.state).toBe('failed');
    expect(records.get('c')?.state).toBe('blocked');
    expect(records.get('c')?.problems.map((p) => p.code)).toEqual(['DEPENDENCY_BLOCKED']);
    expect(records.get('x')?.state).toBe('published');
    // c never ran again after b failed
    expect(fake.runs.flat().filter((n) => n === 'c')).toHaveLength(1);
    expect(fake.registry.has('c')).toBe(false);
  });

  it('a transient failure inside a chain: retried in order, the dependent after its dependency', async () => {
    const fake = fakeNpm({ b: ['503'] });
    const records = await publishAll(
      input(fake, [target('a'), target('b', ['a']), target('c', ['b'])], {
        concurrency: fixedInFlight(1, true),
      }),
    );
    expect([...records.values()].every((r) => r.state === 'published')).toBe(true);
    const order = fake.runs.flat();
    expect(order.lastIndexOf('b')).toBeLessThan(order.lastIndexOf('c'));
  });

  it('packing on demand: a reported success needs no pack; an uncertain answer packs once', async () => {
    let packs = 0;
    const packed = () => {
      packs += 1;
      return Promise.resolve(
        new Map([
          ['a', 'sha512-a'],
          ['b', 'sha512-b'],
        ]),
      );
    };
    const fine = fakeNpm();
    await publishAll(input(fine, [target('a'), target('b')], { packed }));
    expect(packs).toBe(0);
    const lost = fakeNpm({ a: ['lost'] });
    // as release runs it: check saw both absent just before
    const records = await publishAll(
      input(lost, [target('a'), target('b')], { packed, concurrency: 1, absentBeforehand: true }),
    );
    expect(records.get('a')).toMatchObject({ state: 'published', integrity: 'sha512-a' });
    expect(packs).toBe(1);
  });
});

describe('a batch member the registry accepted releases its dependents (npm http log)', () => {
  it("c starts while a's batch still runs, once npm logs a's PUT 200", async () => {
    const fake = fakeNpm();
    const events: string[] = [];
    let cStarted = () => undefined as void;
    const cStart = new Promise<void>((resolve) => (cStarted = resolve));
    const exec: ExecFn = async (file, args, options) => {
      const names = args.flatMap((a, i) => (args[i - 1] === '-w' ? [a] : []));
      events.push(`start ${names.join(',')}`);
      if (names.includes('c')) cStarted();
      if (names[0] === 'a' && names.length > 1) {
        expect(options.env?.npm_config_loglevel).toBe('http');
        options.onStderrLine?.('npm http fetch POST 200 http://r/-/npm/v1/oidc/token/exchange/package/a 3ms');
        options.onStderrLine?.('npm http fetch PUT 200 http://r/a 5ms');
        await Promise.race([cStart, new Promise((r) => setTimeout(r, 3000))]);
      }
      const result = await fake.exec(file, args, options);
      events.push(`end ${names.join(',')}`);
      return result;
    };
    // two slots, three ready: a (which c waits on) leads a pair; the limit grows on the first tick
    const limit = adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 4, initial: 2 });
    const records = await publishAll(
      input(fake, [target('a'), target('b'), target('x'), target('c', ['a'])], { exec, concurrency: limit }),
    );
    expect(events.slice(0, 2)).toEqual(['start a,x', 'start b']);
    expect(events.indexOf('start c')).toBeLessThan(events.indexOf('end a,x'));
    expect([...records.values()].every((r) => r.state === 'published')).toBe(true);
  });

  it('the http log is asked for only where early acceptance can start anything: not when every slot holds a chain', async () => {
    const levels = async (concurrency: PublishAllInput['concurrency']) => {
      const fake = fakeNpm();
      const seen: Array<string | undefined> = [];
      const exec: ExecFn = (file, args, options) => {
        if (args.filter((a) => a === '-w').length > 1) seen.push(options.env?.npm_config_loglevel);
        return fake.exec(file, args, options);
      };
      await publishAll(
        input(fake, [target('a'), target('b', ['a']), target('x'), target('y')], { exec, concurrency }),
      );
      return seen;
    };
    // nearby: chains, no http log
    expect(await levels(fixedInFlight(1, true))).toEqual([undefined]);
    // remote: a line a → b in one process, with the http log
    expect(await levels(adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 4, initial: 4 }))).toEqual([
      'http',
    ]);
  });

  it('reads only a 2xx PUT to a package path as accepted', () => {
    expect(acceptedByRegistry('npm http fetch PUT 200 http://127.0.0.1:4873/@b-prov%2fp000 1523ms')).toBe(
      '@b-prov/p000',
    );
    expect(
      acceptedByRegistry('npm http fetch PUT 201 https://npm.corp/api/npm/npm-local/left-pad 80ms'),
    ).toBe('left-pad');
    expect(
      acceptedByRegistry('npm http fetch PUT 200 https://registry.npmjs.org/@a%2fb 900ms attempt #2'),
    ).toBe('@a/b');
    expect(acceptedByRegistry('npm http fetch PUT 503 http://r/@a%2fb 12ms')).toBeNull();
    expect(acceptedByRegistry('npm http fetch GET 200 http://r/@a%2fb 12ms')).toBeNull();
    expect(
      acceptedByRegistry('npm http fetch POST 201 https://fulcio.example/api/v2/signingCert 400ms'),
    ).toBeNull();
    expect(acceptedByRegistry('npm notice Publishing to http://r/ with tag latest')).toBeNull();
    expect(acceptedByRegistry('npm http fetch PUT 200 not-a-url 1ms')).toBeNull();
  });
});

describe('extendLinear (an adaptive limit chains only a line a → b → c)', () => {
  const deps = new Map<string, string[]>([
    ['a', []],
    ['x', []],
    ['b', ['a', 'done']],
    ['c', ['b']],
    ['d', ['a']],
    ['e', ['a', 'x']],
  ]);
  const state = new Map([['done', 'done' as const]]);

  it('appends what depends on the last member and on nothing else unpublished outside the batch', () => {
    const waiting = new Set(['b', 'c', 'd', 'e']);
    // b, then c after b; d depends on a but not on c, so it does not wait behind b and c
    expect(extendLinear([['a']], waiting, deps, state, 10)).toEqual([['a', 'b', 'c']]);
    // e needs x, which is in another process
    expect(extendLinear([['a'], ['x']], new Set(['e']), deps, state, 10)).toEqual([['a'], ['x']]);
    // a pair [a, x]: b would wait behind x, so it is left for its own process
    expect(extendLinear([['a', 'x']], new Set(['b']), deps, state, 10)).toEqual([['a', 'x']]);
    // the cap holds
    expect(extendLinear([['a']], waiting, deps, state, 2)).toEqual([['a', 'b']]);
  });

  it('an adaptive run with early acceptance chains a line, and every package follows its dependencies', async () => {
    const calls: string[][] = [];
    const line: ScheduleNode[] = [
      { name: 'a', deps: [] },
      { name: 'b', deps: ['a'] },
      { name: 'c', deps: ['b'] },
      { name: 'x', deps: [] },
    ];
    const run = (names: string[], early: (name: string) => void) => {
      calls.push(names);
      names.forEach(early);
      return ok(names);
    };
    const limit = adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 4, initial: 4 });
    await publishInOrder(line, {
      concurrency: limit,
      batching: 'batch',
      chains: true,
      acceptsEarly: true,
      run,
    });
    expect(calls).toEqual([['a', 'b', 'c'], ['x']]);
    // without early acceptance (yarn, changesets): one package per process
    calls.length = 0;
    const again = adaptiveInFlight({ sampleCpu: () => 0, min: 2, max: 4, initial: 4 });
    await publishInOrder(line, { concurrency: again, batching: 'batch', chains: true, run });
    expect(calls).toEqual([['a'], ['x'], ['b'], ['c']]);
  });
});
