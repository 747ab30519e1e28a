import { fork, type ChildProcess } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { verdaccioChildScript } from '../package-paths.js';
import { makeTempDir, removeDir } from '../temp-dir.js';
import { createRegistryKeys, type NpmKeysDocument } from './npm-keys.js';
import {
  trustFilesIn,
  trustedPublishingControls,
  type TrustedPublishingControls,
} from './trusted-publishing/rig-controls.js';
import { buildVerdaccioConfig, type RegistryFeatures } from './verdaccio-config.js';

export interface StartRegistryOptions extends RegistryFeatures {
  /** The local Sigstore's plain-HTTP base URL; the publish attestation is then logged in its Rekor. */
  rekorUrl?: string;
  /** User created at start-up. Default `provenant` / `provenant-password`. */
  user?: { name: string; password: string };
  /** Milliseconds to wait for `/-/ping`. Default 30 s. */
  startTimeoutMs?: number;
  /** Keep the temp dir after stop() (for debugging). */
  keepDir?: boolean;
}

/** The registry, with npm trusted publishing controls (trusted-publishing/rig-controls.ts). */
export interface Registry extends TrustedPublishingControls {
  /** `http://127.0.0.1:<port>/` (with the trailing slash npm writes). */
  url: string;
  port: number;
  /** Process id of the Verdaccio child (gone after stop()). */
  pid: number;
  /** Bearer token of the created user. */
  token: string;
  user: { name: string; password: string };
  /** Temp dir of this registry: config, storage, keys, attestations. */
  dir: string;
  storageDir: string;
  /** The registry's signing keys in the `/-/npm/v1/keys` shape (a file usable as `--npm-keys`). */
  npmKeysPath: string;
  npmKeys: NpmKeysDocument;
  keyid: string;
  /** Creates another user and returns its token (e.g. one to revoke). */
  addUser(user: { name: string; password: string }): Promise<string>;
  /** Everything Verdaccio printed (logs are at level `error`). */
  output(): string;
  stop(): Promise<void>;
}

const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

// Last resort if a test run ends without calling stop(): kill synchronously on exit.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGKILL');
  });
}

function waitForListening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`Verdaccio did not start in ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (message: unknown) => {
      const m = message as { type?: string; port?: number };
      if (m.type === 'listening' && typeof m.port === 'number') {
        cleanup();
        resolve(m.port);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`Verdaccio exited with ${code} before listening`));
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    function fail(error: Error) {
      cleanup();
      reject(new Error(`${error.message}\n${output()}`));
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
  });
}

async function waitForPing(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`${url}-/ping did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function createUser(url: string, user: { name: string; password: string }): Promise<string> {
  const response = await fetch(`${url}-/user/org.couchdb.user:${encodeURIComponent(user.name)}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: user.name, password: user.password }),
  });
  const body = (await response.json()) as { token?: string };
  if (!response.ok || !body.token) {
    throw new Error(`creating user ${user.name} failed: ${response.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts Verdaccio 6 with our attestation middleware on 127.0.0.1 and a free port. */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<Registry> {
  const dir = await makeTempDir('registry');
  const storageDir = join(dir, 'storage');
  await mkdir(storageDir);
  const keys = await createRegistryKeys(dir);
  const configPath = join(dir, 'config.yaml');
  const config = buildVerdaccioConfig({
    dir,
    storageDir,
    privateKeyPath: keys.privateKeyPath,
    npmKeysPath: keys.npmKeysPath,
    rekorUrl: options.rekorUrl ?? null,
    features: options,
    trustFiles: trustFilesIn(dir),
  });
  await writeFile(configPath, JSON.stringify(config, null, 2));

  const chunks: string[] = [];
  const output = () => chunks.join('');
  const child = fork(verdaccioChildScript, [configPath], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  liveChildren.add(child);
  installExitHook();
  child.once('exit', () => liveChildren.delete(child));
  child.stdout?.on('data', (d: Buffer) => chunks.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => chunks.push(d.toString()));

  const stop = async () => {
    await stopChild(child);
    if (!options.keepDir) await removeDir(dir);
  };
  try {
    const timeoutMs = options.startTimeoutMs ?? 30_000;
    const port = await waitForListening(child, output, timeoutMs);
    const url = `http://127.0.0.1:${port}/`;
    await waitForPing(url, timeoutMs);
    const user = options.user ?? { name: 'provenant', password: 'provenant-password' };
    const token = await createUser(url, user);
    return {
      url,
      port,
      pid: child.pid ?? -1,
      token,
      user,
      dir,
      storageDir,
      npmKeysPath: keys.npmKeysPath,
      npmKeys: keys.npmKeys,
      keyid: keys.keyid,
      addUser: (other) => createUser(url, other),
      ...trustedPublishingControls(trustFilesIn(dir)),
      output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
