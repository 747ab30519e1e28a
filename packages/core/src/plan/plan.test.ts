import { describe, expect, it } from 'vitest';
import type { DependencyEdge, DependencyType, WorkspacePackage } from '../discover/types.js';
import { distTagFor, findCycles, planRelease, topologicalOrder } from './index.js';

function pkg(
  name: string,
  deps: Partial<Record<DependencyType, string[]>> = {},
  extra: Partial<WorkspacePackage> = {},
): WorkspacePackage {
  const dependencies: DependencyEdge[] = Object.entries(deps).flatMap(([type, names]) =>
    names.map((to) => ({ from: name, to, type: type as DependencyType, range: 'workspace:*' })),
  );
  return {
    name,
    version: '1.0.0',
    private: false,
    dir: `/repo/packages/${name}`,
    relativeDir: `packages/${name}`,
    manifestPath: `/repo/packages/${name}/package.json`,
    manifest: {},
    dependencies,
    manifestIssues: [],
    ...extra,
  };
}

const none = new Map<string, string[]>();

describe('planRelease: order', () => {
  it('puts dependencies first, ties by name, whatever the input order', () => {
    const packages = [
      pkg('app', { dependencies: ['lib', 'util'] }),
      pkg('lib', { peerDependencies: ['core'] }),
      pkg('util', { optionalDependencies: ['core'] }),
      pkg('core'),
      pkg('zeta'),
      pkg('alpha'),
    ];
    const a = planRelease(packages, none);
    const b = planRelease([...packages].reverse(), none);
    expect(a.order).toEqual(['alpha', 'core', 'lib', 'util', 'app', 'zeta']);
    expect(b.order).toEqual(a.order);
    expect(a.cycles).toEqual([]);
    expect(a.problems).toEqual([]);
    expect(a.packages.find((p) => p.name === 'app')!.dependsOn).toEqual(['lib', 'util']);
  });

  it('devDependencies do not order publishing', () => {
    const plan = planRelease([pkg('a', { devDependencies: ['b'] }), pkg('b', { dependencies: ['a'] })], none);
    expect(plan.order).toEqual(['a', 'b']);
    expect(plan.cycles).toEqual([]);
    expect(plan.edges).toEqual([{ from: 'b', to: 'a', type: 'dependencies', range: 'workspace:*' }]);
  });

  it('reports a cycle as a DEPENDENCY_CYCLE warning and still orders every package', () => {
    const plan = planRelease(
      [
        pkg('c', { dependencies: ['a'] }),
        pkg('a', { dependencies: ['b'] }),
        pkg('b', { dependencies: ['c'] }),
        pkg('d', { dependencies: ['a'] }),
        pkg('base'),
      ],
      none,
    );
    expect(plan.cycles).toEqual([['a', 'b', 'c']]);
    expect(plan.order).toHaveLength(5);
    expect(plan.order[0]).toBe('base');
    expect(plan.order.indexOf('d')).toBeGreaterThan(plan.order.indexOf('a'));
    expect(plan.problems).toHaveLength(1);
    expect(plan.problems[0]).toMatchObject({ code: 'DEPENDENCY_CYCLE', severity: 'warning' });
    expect(plan.problems[0]!.hint).toContain('devDependencies');
    // deterministic
    expect(
      planRelease(
        plan.packages.map((p) => pkg(p.name)),
        none,
      ).order,
    ).toEqual(['a', 'b', 'base', 'c', 'd']);
  });

  it('handles a self-dependency and a two-cycle', () => {
    expect(findCycles({ nodes: ['a'], dependsOn: new Map([['a', ['a']]]) })).toEqual([['a']]);
    const graph = {
      nodes: ['x', 'y'],
      dependsOn: new Map([
        ['x', ['y']],
        ['y', ['x']],
      ]),
    };
    expect(findCycles(graph)).toEqual([['x', 'y']]);
    expect(topologicalOrder(graph)).toEqual(['x', 'y']);
  });

  it('orders 2000 packages in a chain quickly', () => {
    const packages = Array.from({ length: 2000 }, (_, i) =>
      pkg(
        `p${String(i).padStart(4, '0')}`,
        i > 0 ? { dependencies: [`p${String(i - 1).padStart(4, '0')}`] } : {},
      ),
    );
    const started = performance.now();
    const plan = planRelease([...packages].reverse(), none);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(plan.order[0]).toBe('p0000');
    expect(plan.order.at(-1)).toBe('p1999');
  });
});

describe('planRelease: what to publish', () => {
  it('skips private and already-published packages, knows first publishes', () => {
    const plan = planRelease(
      [pkg('priv', {}, { private: true }), pkg('old'), pkg('new'), pkg('bumped'), pkg('unknown')],
      new Map<string, string[] | null>([
        ['old', ['0.9.0', '1.0.0']],
        ['new', []],
        ['bumped', ['0.9.0']],
        ['unknown', null],
      ]),
    );
    const by = Object.fromEntries(plan.packages.map((p) => [p.name, [p.action, p.skip, p.firstPublish]]));
    expect(by).toEqual({
      priv: ['skip', 'private', null],
      old: ['skip', 'already-published', false],
      new: ['publish', null, true],
      bumped: ['publish', null, false],
      unknown: ['publish', null, null],
    });
    expect(plan.order).toEqual(['bumped', 'new', 'unknown']);
  });

  it('--filter keeps matching names, !glob excludes, the graph still counts', () => {
    const packages = [
      pkg('@s/a', { dependencies: ['@s/b'] }),
      pkg('@s/b'),
      pkg('@s/internal-x'),
      pkg('other'),
    ];
    const plan = planRelease(packages, none, { filter: ['@s/*', '!@s/internal-*'] });
    expect(plan.order).toEqual(['@s/b', '@s/a']);
    expect(plan.excluded).toEqual(['@s/internal-x', 'other']);
    expect(planRelease(packages, none, { filter: ['!other'] }).order).toEqual([
      '@s/b',
      '@s/a',
      '@s/internal-x',
    ]);
  });
});

describe('dist-tags', () => {
  it('prereleases never get latest', () => {
    expect(distTagFor('1.0.0')).toBe('latest');
    expect(distTagFor('2.0.0-beta.1')).toBe('beta');
    expect(distTagFor('2.0.0-next.0')).toBe('next');
    expect(distTagFor('2.0.0-0')).toBe('next');
    expect(distTagFor('2.0.0-latest.1')).toBe('next');
    expect(distTagFor('2.0.0-rc')).toBe('rc');
  });

  it('--tag wins, then publishConfig.tag', () => {
    expect(distTagFor('2.0.0-beta.1', { tag: 'canary' })).toBe('canary');
    expect(distTagFor('1.0.0', { publishConfigTag: 'v1-lts' })).toBe('v1-lts');
    expect(distTagFor('1.0.0', { tag: 'x', publishConfigTag: 'y' })).toBe('x');
  });

  it('planRelease applies them per package', () => {
    const plan = planRelease(
      [
        pkg('a', {}, { version: '1.0.0-alpha.3' }),
        pkg('b', {}, { manifest: { publishConfig: { tag: 'legacy' } } }),
        pkg('c'),
      ],
      none,
    );
    expect(plan.packages.map((p) => [p.name, p.distTag])).toEqual([
      ['a', 'alpha'],
      ['b', 'legacy'],
      ['c', 'latest'],
    ]);
    expect(
      planRelease([pkg('a', {}, { version: '1.0.0-alpha.3' })], none, { tag: 'exp' }).packages[0]!.distTag,
    ).toBe('exp');
  });
});
