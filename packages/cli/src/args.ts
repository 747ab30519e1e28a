import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ProvenantError } from '@provenant/core';

/** Flags every command accepts (SPEC §2). */
export const COMMON_FLAGS = {
  cwd: { type: 'string' },
  registry: { type: 'string' },
  filter: { type: 'string', multiple: true },
  json: { type: 'boolean' },
  report: { type: 'string' },
  summary: { type: 'string' },
  concurrency: { type: 'string' },
  'registry-timeout': { type: 'string' },
  debug: { type: 'boolean' },
  verbose: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Flags of `verify`, which `release` accepts too. */
export const VERIFY_FLAGS = {
  'expect-repository': { type: 'string' },
  'expect-workflow': { type: 'string' },
  'expect-ref': { type: 'string' },
  'expect-issuer': { type: 'string' },
  'expect-trusted-publisher': { type: 'boolean' },
  'trusted-root': { type: 'string' },
  'npm-keys': { type: 'string' },
  offline: { type: 'boolean' },
  tarball: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

export interface ParsedArgs {
  values: FlagValues;
  positionals: string[];
}

export function parseCommandArgs(
  command: string,
  argv: readonly string[],
  options: FlagSpec,
  allowPositionals: boolean,
): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals,
      strict: true,
      allowNegative: true,
    });
    return { values: values as FlagValues, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /Unknown option '([^']+)'/.exec(message);
    const known = Object.keys(options)
      .map((f) => `--${f}`)
      .join(', ');
    if (unknown) {
      throw new ProvenantError('UNKNOWN_FLAG', `Unknown flag ${unknown[1]} for "provenant ${command}".`, {
        hint: `Known flags: ${known}. See provenant ${command} --help.`,
      });
    }
    if (/Unexpected argument/.test(message)) {
      throw new ProvenantError('USAGE', `"provenant ${command}" takes no positional arguments: ${message}`, {
        hint: `See provenant ${command} --help.`,
      });
    }
    throw new ProvenantError('INVALID_FLAG_VALUE', message.replace(/\. To specify.*$/s, '.'), {
      hint: `See provenant ${command} --help.`,
    });
  }
}

export function stringFlag(values: FlagValues, name: string): string | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') {
    throw new ProvenantError('INVALID_FLAG_VALUE', `--${name} needs a value.`, {
      hint: `Write --${name} <value>.`,
    });
  }
  return value;
}

export function boolFlag(values: FlagValues, name: string): boolean {
  return values[name] === true;
}

export function listFlag(values: FlagValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

export function intFlag(
  values: FlagValues,
  name: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  const n = /^-?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < range.min || n > range.max) {
    throw new ProvenantError(
      'INVALID_FLAG_VALUE',
      `--${name} must be a whole number from ${range.min} to ${range.max}, got "${raw}".`,
      { hint: `For example --${name} ${fallback}.` },
    );
  }
  return n;
}

export function choiceFlag<T extends string>(
  values: FlagValues,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = stringFlag(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) {
    throw new ProvenantError(
      'INVALID_FLAG_VALUE',
      `--${name} must be one of ${choices.join(', ')}, got "${raw}".`,
      {
        hint: `For example --${name} ${fallback}.`,
      },
    );
  }
  return raw as T;
}
