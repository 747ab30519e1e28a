/**
 * The commands bench/release.js times, on one generated monorepo each: every publisher's own
 * monorepo command and `provenant release` (default flags, a tuned variant, and over pnpm,
 * yarn and changesets). Each scenario: prepare (untimed) → publish (timed).
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { changesetBin, run, toolVersions, writeYarnrc } from '../packages/testing/dist/index.js';

/** N packages in 3 levels: level k+1 packages each depend on two of level k. */
export function dagPackages(count, scope, range) {
  const perLevel = Math.ceil(count / 3);
  const packages = [];
  for (let i = 0; i < count; i++) {
    const level = Math.floor(i / perLevel);
    const name = `${scope}/p${String(i).padStart(3, '0')}`;
    const dependencies = {};
    if (level > 0) {
      const base = (level - 1) * perLevel;
      for (const j of [base + (i % perLevel), base + ((i + 1) % perLevel)]) {
        dependencies[`${scope}/p${String(j).padStart(3, '0')}`] = range;
      }
    }
    packages.push({ name, dependencies, publishConfig: { access: 'public' } });
  }
  return packages;
}

export function must(result, what) {
  if (result.exitCode !== 0)
    throw new Error(`${what} failed (${result.exitCode}):\n${result.all.slice(-3000)}`);
  return result;
}

/**
 * The scenarios, given the bench's state: `count()` packages in this profile, `signingEnv(extra)`
 * (the simulated GitHub Actions job), `fixture(registry, spec)` (a workspace with its .npmrc),
 * `provenantRelease(state, args)` (timed in the bench's own process) and `tuned()` (the tuned
 * variant's flags).
 */
export function scenarios({ count, signingEnv, fixture, provenantRelease, tuned }) {
  const dag = (scope, range) => dagPackages(count(), scope, range);
  /** A pnpm workspace of the DAG (`workspace:^` ranges), installed. */
  const pnpmWorkspace = async (registry, scope, spec = {}) => {
    const dir = await fixture(registry, { manager: 'pnpm', packages: dag(scope, 'workspace:^'), ...spec });
    must(await run('pnpm', ['install'], { cwd: dir, env: signingEnv() }), 'pnpm install');
    return dir;
  };
  /** A yarn berry workspace of the DAG, pointed at the registry and installed. */
  const yarnWorkspace = async (registry, scope) => {
    const dir = await fixture(registry, { manager: 'yarn', packages: dag(scope, 'workspace:^') });
    await writeYarnrc(dir, registry);
    const env = signingEnv({ YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' });
    must(await run('yarn', ['install'], { cwd: dir, env }), 'yarn install');
    return dir;
  };
  /** A publisher's own monorepo command, timed by the bench; fails loudly. */
  const publishWith = async (dir, file, args, env, what) =>
    must(await run(file, args, { cwd: dir, env, timeoutMs: 900_000 }), what);
  /**
   * The floor of any schedule of npm processes: the DAG's packages dealt round-robin over
   * `processes` npm processes started at once, dependency order ignored, nothing verified.
   * Provenant, which keeps the order and verifies, cannot publish through npm faster.
   */
  const npmSplit = (processes) => ({
    label: `npm publish -w …, ${processes} processes, no order (floor)`,
    onlyIn: ['loopback'],
    async prepare(registry) {
      const packages = dag(`@b-split${processes}`, '^1.0.0');
      return { dir: await fixture(registry, { packages }), names: packages.map((p) => p.name) };
    },
    async publish({ dir, names }) {
      const env = signingEnv({ NPM_CONFIG_PROVENANCE: 'true' });
      await Promise.all(
        Array.from({ length: processes }, (_, r) => {
          const mine = names.filter((_, i) => i % processes === r).flatMap((name) => ['-w', name]);
          return publishWith(dir, 'npm', ['publish', ...mine, '--access', 'public'], env, 'npm publish -w');
        }),
      );
    },
  });
  return {
    'npm-workspaces': {
      label: 'npm publish --workspaces',
      async prepare(registry) {
        return { dir: await fixture(registry, { packages: dag('@b-npm', '^1.0.0') }) };
      },
      async publish({ dir }) {
        await publishWith(
          dir,
          'npm',
          ['publish', '--workspaces', '--access', 'public'],
          signingEnv({ NPM_CONFIG_PROVENANCE: 'true' }),
          'npm publish',
        );
      },
    },
    'npm-split-2': npmSplit(2),
    'npm-split-3': npmSplit(3),
    'pnpm-recursive': {
      label: 'pnpm -r publish',
      async prepare(registry) {
        const dir = await pnpmWorkspace(registry, '@b-pnpm');
        return { dir };
      },
      async publish({ dir }) {
        await publishWith(
          dir,
          'pnpm',
          ['-r', 'publish', '--access', 'public', '--no-git-checks'],
          signingEnv({ NPM_CONFIG_PROVENANCE: 'true' }),
          'pnpm -r publish',
        );
      },
    },
    'yarn-foreach': {
      label: 'yarn workspaces foreach -A -t -p npm publish',
      async prepare(registry) {
        const dir = await yarnWorkspace(registry, '@b-yarn');
        return { dir };
      },
      async publish({ dir }) {
        await publishWith(
          dir,
          'yarn',
          [
            'workspaces',
            'foreach',
            '-A',
            '-t',
            '-p',
            '--no-private',
            'npm',
            'publish',
            '--provenance',
            '--access',
            'public',
          ],
          signingEnv({ YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' }),
          'yarn foreach publish',
        );
      },
    },
    changesets: {
      label: 'changeset publish',
      async prepare(registry) {
        const dir = await fixture(registry, {
          packages: dag('@b-cs', '^1.0.0'),
          changesets: true,
          git: true,
        });
        return { dir, registry };
      },
      async publish({ dir, registry }) {
        await publishWith(
          dir,
          'changeset',
          ['publish'],
          signingEnv({ NPM_CONFIG_PROVENANCE: 'true', npm_config_registry: registry.url }),
          'changeset publish',
        );
      },
    },
    provenant: {
      label: 'provenant release (default flags)',
      async prepare(registry) {
        const dir = await fixture(registry, { packages: dag('@b-prov', '^1.0.0'), git: true });
        return { dir, registry };
      },
      publish: (state) => provenantRelease(state),
    },
    'provenant-tuned': {
      label: 'provenant release (tuned)',
      async prepare(registry) {
        const dir = await fixture(registry, { packages: dag('@b-prov-t', '^1.0.0'), git: true });
        return { dir, registry };
      },
      publish: (state) => provenantRelease(state, tuned()),
    },
    'provenant-pnpm': {
      label: 'provenant release (pnpm, verified)',
      async prepare(registry) {
        const dir = await pnpmWorkspace(registry, '@b-prov-pnpm', { git: true });
        return { dir, registry };
      },
      publish: (state) => provenantRelease(state),
    },
    'provenant-yarn': {
      label: 'provenant release (yarn, verified)',
      async prepare(registry) {
        const dir = await yarnWorkspace(registry, '@b-prov-yarn');
        return { dir, registry };
      },
      publish: (state) => provenantRelease(state),
    },
    'provenant-changesets': {
      label: 'provenant release (changesets, verified)',
      async prepare(registry) {
        const dir = await fixture(registry, {
          packages: dag('@b-prov-cs', '^1.0.0'),
          changesets: true,
          git: true,
          rootManifest: { devDependencies: { '@changesets/cli': `^${toolVersions().changesets}` } },
        });
        const bin = join(dir, 'node_modules', '.bin');
        mkdirSync(bin, { recursive: true });
        writeFileSync(
          join(bin, 'changeset'),
          `#!/bin/sh\nexec "${process.execPath}" "${changesetBin()}" "$@"\n`,
        );
        chmodSync(join(bin, 'changeset'), 0o755);
        return { dir, registry };
      },
      publish: (state) => provenantRelease(state),
    },
  };
}
