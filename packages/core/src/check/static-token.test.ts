import { describe, expect, it } from 'vitest';
import { readNpmConfig } from '../registry/npm-config.js';
import { findStaticToken } from './static-token.js';

const REG = 'https://registry.npmjs.org/';
function find(files: Record<string, string>, env: Record<string, string>, publisher: 'npm' | 'yarn' = 'npm') {
  const readFile = (p: string) => files[p] ?? null;
  const npmConfig = readNpmConfig({ env, projectDir: '/repo', readFile, home: '/home' });
  return findStaticToken({ publisher, registry: REG, root: '/repo', env, readFile, npmConfig }).kind;
}

describe('findStaticToken', () => {
  const line = '//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}\n';
  it("a real token, setup-node's placeholder, an unresolved ${VAR}, none", () => {
    expect(find({ '/home/.npmrc': line }, { NODE_AUTH_TOKEN: 'npm_abcdef123456' })).toBe('token');
    expect(find({ '/home/.npmrc': line }, { NODE_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' })).toBe(
      'placeholder',
    );
    expect(find({ '/repo/.npmrc': line }, {})).toBe('unresolved');
    expect(find({}, {})).toBe('none');
  });
  it('yarn: .yarnrc.yml npmAuthToken or YARN_NPM_AUTH_TOKEN', () => {
    expect(find({ '/repo/.yarnrc.yml': 'npmAuthToken: "${NPM_TOKEN}"\n' }, {}, 'yarn')).toBe('unresolved');
    expect(find({ '/repo/.yarnrc.yml': 'npmAuthToken: abcdef123\n' }, {}, 'yarn')).toBe('token');
    expect(find({}, { YARN_NPM_AUTH_TOKEN: 'XXXXX-XXXXX-XXXXX-XXXXX' }, 'yarn')).toBe('placeholder');
    expect(find({}, {}, 'yarn')).toBe('none');
  });
});
