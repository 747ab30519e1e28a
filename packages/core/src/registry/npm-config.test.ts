import { describe, expect, it } from 'vitest';
import { redact } from '../redact.js';
import { authFor, parseIni, readNpmConfig, registryFor } from './npm-config.js';

function files(map: Record<string, string>) {
  return (path: string) => map[path] ?? null;
}

describe('npm config', () => {
  it('merges user, project and environment, later winning', () => {
    const config = readNpmConfig({
      env: { npm_config_registry: 'http://env.example/' },
      projectDir: '/repo',
      home: '/home/u',
      readFile: files({
        '/home/u/.npmrc': 'registry=http://user.example/\n@acme:registry=http://acme.example',
        '/repo/.npmrc': 'registry=http://project.example/',
      }),
    });
    expect(config.registry).toBe('http://env.example/');
    expect(registryFor(config, '@acme/x')).toBe('http://acme.example/');
    expect(registryFor(config, 'plain')).toBe('http://env.example/');
  });

  it('expands ${VAR} and finds tokens by nerf dart, walking up the path', () => {
    const config = readNpmConfig({
      env: { NODE_AUTH_TOKEN: 'tok-from-env-123' },
      projectDir: '/repo',
      home: '/home/u',
      readFile: files({ '/repo/.npmrc': '//npm.example/:_authToken=${NODE_AUTH_TOKEN}\n' }),
    });
    expect(authFor(config, 'https://npm.example/api/npm/')).toEqual({
      kind: 'token',
      token: 'tok-from-env-123',
    });
    expect(authFor(config, 'https://other.example/')).toEqual({ kind: 'none' });
    // tokens read from config are redacted everywhere afterwards
    expect(redact('echo tok-from-env-123')).not.toContain('tok-from-env-123');
  });

  it('parses comments, quotes and BOM', () => {
    expect(parseIni('\uFEFF; c\n# c\nkey = "v"\n', {})).toEqual({ key: 'v' });
  });

  it('reads NPM_CONFIG_USERCONFIG', () => {
    const config = readNpmConfig({
      env: { NPM_CONFIG_USERCONFIG: '/tmp/custom' },
      projectDir: '/repo',
      readFile: files({ '/tmp/custom': 'registry=http://custom.example' }),
    });
    expect(config.registry).toBe('http://custom.example/');
  });
});
