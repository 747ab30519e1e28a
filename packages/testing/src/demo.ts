// `pnpm demo`: the whole product in one command. Starts a real Verdaccio (with
// our attestations plugin) and a local Sigstore, copies an example monorepo,
// runs `provenant release` under a simulated GitHub Actions job, then
// `provenant verify`, and stops everything it started.
import { spawn } from 'node:child_process';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanEnv, githubActionsEnv } from './ci-env.js';
import { startRegistry, type Registry } from './registry/start-registry.js';
import { writeNpmrc } from './registry/npmrc.js';
import { startSigstore, type Sigstore } from './sigstore/start-sigstore.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { run, toolPathEnv } from './tools.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/cli/bin/provenant.js');
const EXAMPLE = process.argv[2] ?? 'npm-workspaces';
const REPOSITORY = `provenant-examples/${EXAMPLE}`;

function step(text: string): void {
  process.stderr.write(`\n\u001b[1m▶ ${text}\u001b[22m\n`);
}

function provenant(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 130 : 1)));
  });
}

async function main(): Promise<number> {
  let sigstore: Sigstore | undefined;
  let registry: Registry | undefined;
  let work: string | undefined;
  const stop = async () => {
    await registry?.stop();
    await sigstore?.stop();
    if (work) await removeDir(work);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  try {
    step('Starting a local Sigstore (Fulcio, Rekor, TSA, GitHub OIDC) and a Verdaccio registry');
    sigstore = await startSigstore();
    registry = await startRegistry({ rekorUrl: sigstore.url });
    process.stderr.write(
      `  registry ${registry.url}\n  sigstore ${sigstore.url} (proxy for *.sigstore.dev)\n`,
    );

    step(`Copying examples/${EXAMPLE} and committing it to a fresh git repository`);
    work = await makeTempDir('demo');
    const repo = join(work, EXAMPLE);
    await cp(join(ROOT, 'examples', EXAMPLE), repo, { recursive: true });
    await rm(join(repo, 'node_modules'), { recursive: true, force: true });
    await writeFile(join(repo, '.gitignore'), 'node_modules/\n.npmrc\n');
    const env: Record<string, string> = {
      ...toolPathEnv(cleanEnv()),
      ...githubActionsEnv({ sigstore, repository: REPOSITORY, workflow: '.github/workflows/release.yml' }),
    };
    for (const args of [
      ['init', '-q', '-b', 'main'],
      ['add', '-A'],
      ['-c', 'user.name=demo', '-c', 'user.email=demo@example.invalid', 'commit', '-qm', 'example'],
    ]) {
      await run('git', args, { cwd: repo, env });
    }
    await writeNpmrc(repo, registry);
    const trust = ['--trusted-root', sigstore.trustedRootPath, '--npm-keys', registry.npmKeysPath];

    step(`provenant check (simulated GitHub Actions job of ${REPOSITORY})`);
    await provenant(['check', '--registry', registry.url], repo, env);

    step('provenant release: provenance on, publish in dependency order, restore files, verify');
    const released = await provenant(['release', '--registry', registry.url, ...trust], repo, env);

    step('provenant verify: what does the registry hold now, and who signed it?');
    const verified = await provenant(['verify', '--registry', registry.url, ...trust], repo, env);

    step('git status after the release (Provenant restores every file it touched)');
    const status = await run('git', ['status', '--porcelain'], { cwd: repo, env });
    process.stderr.write(status.stdout.trim() === '' ? '  clean\n' : `${status.stdout}\n`);

    const ok = released === 0 && verified === 0 && status.stdout.trim() === '';
    step(
      ok
        ? 'Demo finished: every package published with provenance and verified.'
        : 'Demo finished with problems (see above).',
    );
    return ok ? 0 : 1;
  } finally {
    await stop();
  }
}

process.exitCode = await main();
