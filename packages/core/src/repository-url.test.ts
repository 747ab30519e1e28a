import { describe, expect, it } from 'vitest';
import { normalizeRepositoryUrl, sameRepository } from './repository-url.js';

describe('normalizeRepositoryUrl', () => {
  it.each([
    ['git+https://github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['github:owner/repo', 'https://github.com/owner/repo'],
    ['owner/repo', 'https://github.com/owner/repo'],
    ['git@github.com:owner/repo.git', 'https://github.com/owner/repo'],
    ['https://github.com/owner/repo/', 'https://github.com/owner/repo'],
    ['https://github.com/owner/repo', 'https://github.com/owner/repo'],
    ['git://github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['git+ssh://git@github.com/owner/repo.git', 'https://github.com/owner/repo'],
    ['https://GitHub.com/Owner/Repo.git', 'https://github.com/Owner/Repo'],
    ['gitlab:group/project', 'https://gitlab.com/group/project'],
    ['https://gitlab.com/group/sub/project.git', 'https://gitlab.com/group/sub/project'],
    ['github:owner/repo#main', 'https://github.com/owner/repo'],
    [
      { type: 'git', url: 'git+https://github.com/owner/repo.git', directory: 'packages/a' },
      'https://github.com/owner/repo',
    ],
  ])('%j → %s', (input, expected) => {
    expect(normalizeRepositoryUrl(input)).toBe(expected);
  });

  it.each([
    null,
    undefined,
    '',
    '   ',
    42,
    'not a url at all',
    'https://github.com/',
    'file:///tmp/repo',
    {},
  ])('%j → null', (input) => {
    expect(normalizeRepositoryUrl(input)).toBeNull();
  });

  it('compares owner and name case-sensitively', () => {
    expect(sameRepository('owner/repo', 'git+https://github.com/owner/repo.git')).toBe(true);
    expect(sameRepository('Owner/repo', 'https://github.com/owner/repo')).toBe(false);
    expect(sameRepository(null, null)).toBe(false);
  });
});
