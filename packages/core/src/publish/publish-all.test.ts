import { describe, expect, it, vi } from 'vitest';
import type { ExecFn } from '../context.js';
import { changesetsAdapter } from './changesets.js';
import { fixedInFlight } from './in-flight.js';
import { pnpmAdapter } from './pnpm.js';
import { publishAll } from './publish-all.js';
import { fakeNpm, input, target } from './test-support/fake-npm.js';

describe('publishAll', () => {
  it('publishes a DAG in batches, dependencies first', async () => {
    const fake = fakeNpm();
    const records = await publishAll(
      input(fake, [target('a'), target('b'), target('c', ['a', 'b']), target('d', ['c'])]),
    );
    expect([...records.values()].map((r) => [r.name, r.state])).toEqual(
      expect.arrayContaining([
        ['a', 'published'],
        ['b', 'published'],
        ['c', 'published'],
        ['d', 'published'],
      ]),
    );
    expect(fake.runs).toEqual([['a'], ['b'], ['c'], ['d']]);
    expect(records.get('a')?.integrity).toBe('sha512-a');
  });

  it('a failed package blocks its dependents; a stopped batch is finished one by one', async () => {
    const fake = fakeNpm({ b: ['fail', 'fail'] });
    const records = await publishAll(
      input(fake, [target('a'), target('b'), target('x'), target('c', ['b']), target('d', ['c'])], {
        concurrency: 1,
      }),
    );
    expect(records.get('b')?.state).toBe('failed');
    expect(records.get('b')?.problems.map((p) => p.code)).toEqual(['PUBLISH_FAILED']);
    expect(records.get('c')?.problems.map((p) => p.code)).toEqual(['DEPENDENCY_BLOCKED']);
    expect(records.get('d')?.state).toBe('blocked');
    expect(records.get('a')?.state).toBe('published');
    expect(records.get('x')).toMatchObject({ state: 'published', attempts: 1 });
    // a, b, x went in one process; b failed, so npm stopped: b and x were tried again alone
    expect(fake.runs[0]).toEqual(['a', 'b', 'x']);
    expect(fake.runs.slice(1)).toEqual([['b'], ['x']]);
  });

  it('retries rate limits and 5xx, then warns RATE_LIMITED', async () => {
    const fake = fakeNpm({ a: ['429', '503', 'ok'] });
    const delays: number[] = [];
    const records = await publishAll(
      input(fake, [target('a')], { sleep: (ms) => Promise.resolve(void delays.push(ms)) }),
    );
    expect(records.get('a')).toMatchObject({ state: 'published', attempts: 3 });
    expect(records.get('a')?.problems.map((p) => [p.code, p.severity])).toEqual([
      ['RATE_LIMITED', 'warning'],
    ]);
    expect(delays).toHaveLength(2);
  });

  it('gives up after --retries', async () => {
    const fake = fakeNpm({ a: ['429', '429', '429'] });
    const records = await publishAll(input(fake, [target('a')], { retries: 2 }));
    expect(records.get('a')).toMatchObject({ state: 'failed', attempts: 3 });
    expect(records.get('a')?.problems[0]?.code).toBe('PUBLISH_FAILED');
  });

  it('a lost answer followed by "cannot publish over" with our bytes is a publish', async () => {
    const fake = fakeNpm({ a: ['lost'] });
    const records = await publishAll(input(fake, [target('a')]));
    expect(records.get('a')).toMatchObject({ state: 'published', attempts: 2 });
    expect(fake.runs).toEqual([['a'], ['a']]);
  });

  it('already on the registry: same bytes → skipped, other bytes → PUBLISHED_CONTENT_DIFFERS', async () => {
    const fake = fakeNpm();
    fake.registry.set('same', 'sha512-same');
    fake.registry.set('other', 'sha512-somethingelse');
    const records = await publishAll(input(fake, [target('same'), target('other')], { concurrency: 1 }));
    expect(records.get('same')).toMatchObject({ state: 'already-published' });
    expect(records.get('same')?.problems.map((p) => [p.code, p.severity])).toEqual([
      ['ALREADY_PUBLISHED', 'info'],
    ]);
    expect(records.get('other')?.problems.map((p) => p.code)).toEqual(['PUBLISHED_CONTENT_DIFFERS']);
  });

  it('absent at check, there now with the same bytes: our own upload (the publisher retried its PUT) → published', async () => {
    // npm retries a PUT whose answer was lost; its retry meets the stored version (E409)
    const fake = fakeNpm();
    fake.registry.set('a', 'sha512-a');
    const records = await publishAll(input(fake, [target('a')], { absentBeforehand: true }));
    expect(records.get('a')).toMatchObject({ state: 'published', integrity: 'sha512-a', attempts: 1 });
  });

  it('compares the registry with the pack after publishing', async () => {
    const fake = fakeNpm();
    const records = await publishAll(
      input(fake, [target('a')], { packed: new Map([['a', 'sha512-whatwaspacked']]) }),
    );
    expect(records.get('a')?.problems.map((p) => p.code)).toEqual(['PUBLISHED_CONTENT_DIFFERS']);
  });

  it('stops when aborted and marks the rest cancelled', async () => {
    const fake = fakeNpm();
    const controller = new AbortController();
    const exec: ExecFn = async (file, args, options) => {
      controller.abort();
      return fake.exec(file, args, options);
    };
    const records = await publishAll(
      input(fake, [target('a'), target('b', ['a'])], { exec, signal: controller.signal, concurrency: 1 }),
    );
    expect(records.get('b')?.state).toBe('cancelled');
  });

  it('changesets 3 stops after a failing chunk: unreported and absent → DEPENDENCY_BLOCKED for dependents, NOT_ATTEMPTED for the rest', async () => {
    const fake = fakeNpm();
    // a failed in the first chunk with d published alongside; b (→ a) and e never tried
    fake.registry.set('d', 'sha512-d');
    const exec: ExecFn = () =>
      Promise.resolve({
        exitCode: 1,
        stdout: '',
        stderr:
          'Successfully published:\nd@1.0.0\n\nSome packages failed to publish:\na@1.0.0\n└ E403: 403 Forbidden - PUT http://r/a\n',
      });
    const records = await publishAll(
      input(fake, [target('a'), target('d'), target('b', ['a']), target('c', ['b']), target('e')], {
        adapter: changesetsAdapter('3.0.3', { underlying: 'npm' }),
        exec,
      }),
    );
    const states = Object.fromEntries(
      [...records.values()].map((r) => [r.name, [r.state, r.problems.map((p) => p.code)]]),
    );
    expect(states).toEqual({
      a: ['failed', ['PUBLISH_FAILED']],
      d: ['published', []],
      b: ['blocked', ['DEPENDENCY_BLOCKED']],
      c: ['blocked', ['DEPENDENCY_BLOCKED']],
      e: ['failed', ['NOT_ATTEMPTED']],
    });
  });

  it('pnpm: a reset after the registry stored the upload is settled by the packed integrity (the tarball it published)', async () => {
    const fake = fakeNpm();
    let calls = 0;
    const exec: ExecFn = (_file, args) => {
      calls++;
      const name = 'a';
      expect(args[1]).toBe('/tmp/pack/a-1.0.0.tgz');
      if (calls === 1) {
        fake.registry.set(name, 'sha512-a');
        return Promise.resolve({
          exitCode: 1,
          stdout: '',
          stderr: 'ERR_PNPM_FETCH ... ECONNRESET socket hang up',
        });
      }
      return Promise.resolve({
        exitCode: 1,
        stdout:
          '{"error":{"code":"E409","message":"409 Conflict - PUT http://r/a - this package is already present"}}',
        stderr: '',
      });
    };
    const records = await publishAll(
      input(fake, [target('a')], {
        adapter: pnpmAdapter('11.28.11'),
        exec,
        command: {
          root: '/r',
          registry: 'http://r/',
          access: 'public',
          provenanceArgs: [],
          provenanceEnv: {},
          tarballs: new Map([['a', '/tmp/pack/a-1.0.0.tgz']]),
        },
        absentBeforehand: false,
      }),
    );
    expect(records.get('a')).toMatchObject({ state: 'published', attempts: 2, integrity: 'sha512-a' });
  });

  it('changesets 3 stopped by a lost answer: the rest is run again, once the registry shows it published', async () => {
    const fake = fakeNpm();
    const runs: number[] = [];
    const exec: ExecFn = () => {
      runs.push(runs.length + 1);
      if (runs.length === 1) {
        // a was stored, its answer lost: changesets saw a failure and stopped before b
        fake.registry.set('a', 'sha512-a');
        return Promise.resolve({
          exitCode: 1,
          stdout: '',
          stderr: 'Some packages failed to publish:\na@1.0.0\n└ ECONNRESET: socket hang up\n',
        });
      }
      fake.registry.set('b', 'sha512-b');
      return Promise.resolve({ exitCode: 0, stdout: '', stderr: 'Successfully published:\nb@1.0.0\n' });
    };
    const records = await publishAll(
      input(fake, [target('a'), target('b', ['a'])], {
        adapter: changesetsAdapter('3.0.3', { underlying: 'npm' }),
        exec,
      }),
    );
    expect(runs).toHaveLength(2);
    expect(Object.fromEntries([...records.values()].map((r) => [r.name, r.state]))).toEqual({
      a: 'published',
      b: 'published',
    });
  });

  it('changesets over pnpm: its pack settles a lost answer when the bytes match, and never overrules a reported success', async () => {
    const fake = fakeNpm();
    const exec: ExecFn = () => {
      // a: stored, answer lost (unreported); b: reported published, with bytes other than pnpm's own pack
      fake.registry.set('a', 'sha512-a');
      fake.registry.set('b', 'sha512-b-as-uploaded');
      return Promise.resolve({ exitCode: 1, stdout: '', stderr: 'Successfully published:\nb@1.0.0\n' });
    };
    const records = await publishAll(
      input(fake, [target('a'), target('b')], {
        adapter: changesetsAdapter('3.0.3', { underlying: 'pnpm' }),
        exec,
      }),
    );
    expect(records.get('a')).toMatchObject({ state: 'published', integrity: 'sha512-a' });
    expect(records.get('b')).toMatchObject({ state: 'published', integrity: 'sha512-b-as-uploaded' });
  });
});

describe('publishAll under a rate limit (fake clock)', () => {
  it('a 429 pauses every publish not yet started, not only the throttled one', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeNpm({ a: ['429', 'ok'] });
      const startedAt = new Map<string, number>();
      const exec: ExecFn = async (file, args, options) => {
        const names = args.flatMap((x, i) => (args[i - 1] === '-w' ? [x] : []));
        for (const n of names) if (!startedAt.has(n) || n === 'a') startedAt.set(n, Date.now());
        // b answers after a has met its 429
        if (names.includes('b')) await new Promise((r) => setTimeout(r, 100));
        return fake.exec(file, args, options);
      };
      let delayMs = 0;
      const done = publishAll(
        input({ ...fake, exec }, [target('a'), target('b'), target('c', ['b'])], {
          exec,
          concurrency: 2,
          now: Date.now,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          backoff: { minDelayMs: 5000, maxDelayMs: 5000 },
          onEvent: (e) => {
            if (e.type === 'retrying') delayMs = e.delayMs;
          },
        }),
      );
      await vi.runAllTimersAsync();
      const records = await done;
      const t0 = startedAt.get('b') ?? 0;
      expect(delayMs).toBeGreaterThanOrEqual(2500);
      // c was ready at ~100 ms, but waited out a's pause like a's own retry
      expect((startedAt.get('c') ?? 0) - t0).toBeGreaterThanOrEqual(delayMs);
      expect((startedAt.get('a') ?? 0) - t0).toBeGreaterThanOrEqual(delayMs);
      expect([...records.values()].map((r) => r.state)).toEqual(['published', 'published', 'published']);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('publishAll settling', () => {
  it("a batch's members are settled side by side: one read's wait, not one per member", async () => {
    const fake = fakeNpm();
    let reading = 0;
    let most = 0;
    const getPackument = async (name: string) => {
      reading += 1;
      most = Math.max(most, reading);
      await new Promise((resolve) => setTimeout(resolve, 20));
      reading -= 1;
      return fake.getPackument(name);
    };
    const records = await publishAll(
      input(fake, [target('a'), target('b', ['a']), target('c', ['b']), target('d')], {
        concurrency: fixedInFlight(1, true),
        getPackument,
      }),
    );
    expect(fake.runs).toHaveLength(1);
    expect(most).toBe(4);
    expect([...records.values()].map((r) => r.state)).toEqual(Array(4).fill('published'));
  });
});
