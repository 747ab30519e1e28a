import { describe, expect, it } from 'vitest';
import { ProvenantError } from '@provenant/core';
import { COMMON_FLAGS, choiceFlag, intFlag, parseCommandArgs } from './args.js';
import { REGISTRY_READS, readsInFlight } from './common-options.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProvenantError) return error.code;
    throw error;
  }
  return 'NO_ERROR';
}

describe('args', () => {
  it('rejects unknown flags with UNKNOWN_FLAG', () => {
    expect(codeOf(() => parseCommandArgs('check', ['--nope'], COMMON_FLAGS, false))).toBe('UNKNOWN_FLAG');
  });

  it('rejects positionals where none are taken', () => {
    expect(codeOf(() => parseCommandArgs('check', ['extra'], COMMON_FLAGS, false))).toBe('USAGE');
  });

  it('collects repeated --filter', () => {
    const parsed = parseCommandArgs('check', ['--filter', 'a', '--filter', '!b'], COMMON_FLAGS, false);
    expect(parsed.values.filter).toEqual(['a', '!b']);
  });

  it.each(['0', '-1', 'abc', '1.5', ''])('refuses --concurrency %j', (raw) => {
    expect(codeOf(() => intFlag({ concurrency: raw }, 'concurrency', 4, { min: 1, max: 256 }))).toBe(
      'INVALID_FLAG_VALUE',
    );
  });

  it('accepts a valid --concurrency and choices', () => {
    expect(intFlag({ concurrency: '8' }, 'concurrency', 4, { min: 1, max: 256 })).toBe(8);
    expect(choiceFlag({ access: 'public' }, 'access', ['public', 'restricted'], 'public')).toBe('public');
    expect(codeOf(() => choiceFlag({ access: 'x' }, 'access', ['public', 'restricted'], 'public'))).toBe(
      'INVALID_FLAG_VALUE',
    );
  });
});

describe('readsInFlight', () => {
  it('--concurrency exactly when given; else 16 registry reads (about npm maxsockets)', () => {
    expect(readsInFlight({}, { concurrency: 4 })).toBe(REGISTRY_READS);
    expect(REGISTRY_READS).toBe(16);
    expect(readsInFlight({ concurrency: '3' }, { concurrency: 3 })).toBe(3);
  });
});
