import { describe, expect, it } from 'vitest';
import type { Workspace } from '../discover/types.js';
import type { DetectedPublisher } from '../publish/detect-publisher.js';
import { publisherRules, userSwitches, type PublisherRuleFacts } from './publisher-rules.js';

const workspace = (tool: Workspace['root']['tool'] = 'pnpm', publishConfig?: object): Workspace => ({
  root: { dir: '/r', tool, manifest: {} },
  packages: [
    {
      name: '@s/a',
      version: '1.0.0',
      private: false,
      dir: '/r/packages/a',
      relativeDir: 'packages/a',
      manifestPath: '/r/packages/a/package.json',
      manifest: publishConfig ? { publishConfig } : {},
      dependencies: [],
      manifestIssues: [],
    },
  ],
  edges: [],
});

const pub = (name: DetectedPublisher['name'], version: string, extra: Partial<DetectedPublisher> = {}) => ({
  name,
  version,
  yarnFlavor: null,
  ...extra,
});

const facts = (over: Partial<PublisherRuleFacts>): PublisherRuleFacts => ({
  publisher: pub('pnpm', '11.28.11'),
  workspace: workspace(),
  planned: ['@s/a'],
  env: {},
  readFile: () => null,
  exists: () => true,
  ...over,
});
const codes = (f: PublisherRuleFacts) => publisherRules(f).map((p) => `${p.code}:${p.severity}`);

describe('PROVENANCE_SWITCH_IGNORED', () => {
  it('pnpm 11/12 ignore publishConfig.provenance, .npmrc provenance=true and NPM_CONFIG_PROVENANCE', () => {
    for (const version of ['11.28.11', '12.23.0']) {
      const f = facts({
        publisher: pub('pnpm', version),
        workspace: workspace('pnpm', { provenance: true }),
        env: { NPM_CONFIG_PROVENANCE: 'true' },
        readFile: (p) => (p === '/r/.npmrc' ? 'registry=x\nprovenance=true\n' : null),
      });
      expect([...userSwitches(f).keys()].sort()).toEqual(['npm-env', 'npmrc', 'publish-config']);
      expect(codes(f)).toEqual([
        'PROVENANCE_SWITCH_IGNORED:warning',
        'PROVENANCE_SWITCH_IGNORED:warning',
        'PROVENANCE_SWITCH_IGNORED:warning',
      ]);
      const [first] = publisherRules(f);
      expect(first?.hint).toContain('PNPM_CONFIG_PROVENANCE');
    }
  });
  it('pnpm 9/10 honour those, and ignore PNPM_CONFIG_PROVENANCE and pnpm-workspace.yaml', () => {
    const honoured = facts({
      publisher: pub('pnpm', '10.34.9'),
      workspace: workspace('pnpm', { provenance: true }),
      env: { npm_config_provenance: 'true' },
    });
    expect(codes(honoured)).toEqual([]);
    const ignored = facts({
      publisher: pub('pnpm', '9.15.9'),
      env: { PNPM_CONFIG_PROVENANCE: 'true' },
      readFile: (p) =>
        p === '/r/pnpm-workspace.yaml' ? 'packages:\n  - packages/*\nprovenance: true\n' : null,
    });
    expect(codes(ignored)).toEqual([
      'PROVENANCE_SWITCH_IGNORED:warning',
      'PROVENANCE_SWITCH_IGNORED:warning',
    ]);
  });
  it('yarn ignores NPM_CONFIG_PROVENANCE; YARN_NPM_CONFIG_PROVENANCE is named as the setting that breaks yarn', () => {
    const f = facts({
      publisher: pub('yarn', '4.18.1'),
      workspace: workspace('yarn'),
      env: { NPM_CONFIG_PROVENANCE: 'true', YARN_NPM_CONFIG_PROVENANCE: 'true' },
    });
    const problems = publisherRules(f);
    expect(problems.map((p) => p.code)).toEqual(['PROVENANCE_SWITCH_IGNORED', 'PROVENANCE_SWITCH_IGNORED']);
    expect(problems[1]?.hint).toContain('YARN_NPM_PUBLISH_PROVENANCE');
  });
  it('changesets: judged by the tool it runs (pnpm 11 underneath ignores publishConfig)', () => {
    const f = facts({
      publisher: pub('changesets', '2.31.1', { delegate: { name: 'pnpm', version: '11.1.0' } }),
      workspace: workspace('pnpm', { provenance: true }),
    });
    expect(codes(f)).toEqual(['PROVENANCE_SWITCH_IGNORED:warning']);
    expect(
      codes({
        ...f,
        publisher: pub('changesets', '2.31.1', { delegate: { name: 'npm', version: '11.6.0' } }),
      }),
    ).toEqual([]);
  });
  it('a switch set to false, or a package not being published, is not reported', () => {
    expect(codes(facts({ env: { NPM_CONFIG_PROVENANCE: 'false' } }))).toEqual([]);
    expect(codes(facts({ workspace: workspace('pnpm', { provenance: true }), planned: [] }))).toEqual([]);
  });
});

describe('PUBLISHER_UNSUPPORTED_VERSION and PUBLISHER_NODE_TOO_OLD', () => {
  it('a version outside every range: a warning naming the behaviour assumed and the switches Provenant sets', () => {
    const [p] = publisherRules(facts({ publisher: pub('pnpm', '13.0.0') }));
    expect(p).toMatchObject({ code: 'PUBLISHER_UNSUPPORTED_VERSION', severity: 'warning' });
    expect(p?.message).toContain('pnpm 12');
    expect(p?.hint).toContain('--provenance');
    expect(p?.hint).toContain('PNPM_CONFIG_PROVENANCE');
    expect(
      codes(
        facts({ publisher: pub('changesets', '3.0.3', { delegate: { name: 'npm', version: '13.0.0' } }) }),
      ),
    ).toEqual(['PUBLISHER_UNSUPPORTED_VERSION:warning']);
    expect(codes(facts({ publisher: pub('npm', '11.21.2') }))).toEqual([]);
  });
  it('the Node a publisher runs on: changesets 3 and pnpm 11 fail below 22, npm 12 warns', () => {
    const on = (name: DetectedPublisher['name'], version: string, node: string) =>
      codes(
        facts({
          workspace: workspace('npm'),
          publisher: pub(name, version, { node: { bin: '/usr/bin/node', version: node } }),
        }),
      );
    expect(on('changesets', '3.0.3', '20.20.2')).toEqual(['PUBLISHER_NODE_TOO_OLD:error']);
    expect(on('changesets', '3.0.3', '22.23.5')).toEqual([]);
    expect(on('pnpm', '11.28.11', '20.20.2')).toEqual(['PUBLISHER_NODE_TOO_OLD:error']);
    expect(on('npm', '12.2.2', '20.20.2')).toEqual(['PUBLISHER_NODE_TOO_OLD:warning']);
    expect(on('npm', '12.2.2', '24.22.3')).toEqual([]);
    expect(on('pnpm', '12.23.0', '20.20.2')).toEqual([]);
  });
});

describe('CHANGESETS_NO_LOCKFILE', () => {
  const cs3 = pub('changesets', '3.0.3', { delegate: { name: 'npm', version: '11.6.0' } });
  it('changesets 3 in an npm workspace without package-lock.json', () => {
    expect(codes(facts({ publisher: cs3, workspace: workspace('npm'), exists: () => false }))).toEqual([
      'CHANGESETS_NO_LOCKFILE:error',
    ]);
    expect(
      codes(
        facts({ publisher: cs3, workspace: workspace('npm'), exists: (p) => p === '/r/package-lock.json' }),
      ),
    ).toEqual([]);
  });
  it('not for changesets 2, nor a pnpm workspace', () => {
    const cs2 = pub('changesets', '2.31.1', { delegate: { name: 'npm', version: '11.6.0' } });
    expect(codes(facts({ publisher: cs2, workspace: workspace('npm'), exists: () => false }))).toEqual([]);
    expect(codes(facts({ publisher: cs3, workspace: workspace('pnpm'), exists: () => false }))).toEqual([]);
  });
});
