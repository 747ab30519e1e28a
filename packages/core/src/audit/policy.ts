import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { ProvenantError } from '../errors.js';
import { parseJson } from './lockfile/read-lockfile.js';

/** SPEC §8: `provenant.config.json` → `audit`, or `"provenant": { "audit": … }` in the root package.json. */
export interface AuditPolicy {
  /** Name glob → who must have built it. */
  expect: Record<string, { repository?: string; workflow?: string }>;
  requireProvenance: string[];
  /** `name@range` → reason: missing provenance (or a regression) is accepted for these. */
  allowMissing: Record<string, string>;
  regression: 'warn' | 'error';
  /** Where it was read from, for messages; null when there is none. */
  source: string | null;
}

export const EMPTY_POLICY: AuditPolicy = {
  expect: {},
  requireProvenance: [],
  allowMissing: {},
  regression: 'warn',
  source: null,
};

const TOP_KEYS = ['audit'];
const AUDIT_KEYS = ['expect', 'requireProvenance', 'allowMissing', 'regression'];
const PIN_KEYS = ['repository', 'workflow'];

export function loadPolicy(root: string): AuditPolicy {
  const configFile = 'provenant.config.json';
  const text = readText(join(root, configFile));
  if (text !== null) return parsePolicy(parseJsonPolicy(text, configFile), configFile);
  const manifest = readText(join(root, 'package.json'));
  if (manifest === null) return EMPTY_POLICY;
  const pkg = parseJsonPolicy(manifest, 'package.json') as { provenant?: unknown } | null;
  if (!pkg || typeof pkg !== 'object' || pkg.provenant === undefined) return EMPTY_POLICY;
  return parsePolicy(pkg.provenant, 'package.json "provenant"');
}

/** Validates a policy object; unknown keys are an error that names the key. */
export function parsePolicy(raw: unknown, source: string): AuditPolicy {
  const top = object(raw, source, source);
  unknownKeys(top, TOP_KEYS, source);
  if (top.audit === undefined) return { ...EMPTY_POLICY, source };
  const audit = object(top.audit, 'audit', source);
  unknownKeys(audit, AUDIT_KEYS, source, 'audit.');
  const expect: AuditPolicy['expect'] = {};
  for (const [pattern, pin] of Object.entries(object(audit.expect ?? {}, 'audit.expect', source))) {
    const where = `audit.expect[${JSON.stringify(pattern)}]`;
    const fields = object(pin, where, source);
    unknownKeys(fields, PIN_KEYS, source, `${where}.`);
    for (const key of PIN_KEYS) {
      if (fields[key] !== undefined && typeof fields[key] !== 'string') {
        throw invalid(source, `${where}.${key} must be a string`);
      }
    }
    expect[pattern] = fields;
  }
  const require = audit.requireProvenance ?? [];
  if (!Array.isArray(require) || require.some((p) => typeof p !== 'string')) {
    throw invalid(source, 'audit.requireProvenance must be a list of name globs');
  }
  const allowMissing: Record<string, string> = {};
  for (const [spec, reason] of Object.entries(
    object(audit.allowMissing ?? {}, 'audit.allowMissing', source),
  )) {
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw invalid(
        source,
        `audit.allowMissing[${JSON.stringify(spec)}] needs a reason (a non-empty string)`,
      );
    }
    if (!splitAllowSpec(spec)) {
      throw invalid(source, `audit.allowMissing key ${JSON.stringify(spec)} is not name@range`);
    }
    allowMissing[spec] = reason;
  }
  const regression = audit.regression ?? 'warn';
  if (regression !== 'warn' && regression !== 'error') {
    throw invalid(source, `audit.regression must be "warn" or "error", not ${JSON.stringify(regression)}`);
  }
  return { expect, requireProvenance: require as string[], allowMissing, regression, source };
}

/** `@scope/name@^1`, `name@*`, or a bare `name` (any version). */
export function splitAllowSpec(spec: string): { name: string; range: string } | null {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at > 0 ? spec.slice(0, at) : spec;
  const range = at > 0 ? spec.slice(at + 1) : '*';
  if (name === '' || semver.validRange(range) === null) return null;
  return { name, range };
}

function parseJsonPolicy(text: string, file: string): unknown {
  try {
    return parseJson(text, file);
  } catch (error) {
    throw invalid(
      file,
      error instanceof ProvenantError ? error.message.replace(`${file}: `, '') : String(error),
    );
  }
}

function object(value: unknown, where: string, source: string): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(source, `${where} must be an object`);
  }
  return value as Record<string, unknown>;
}

function unknownKeys(value: Record<string, unknown>, known: string[], source: string, prefix = ''): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw invalid(
        source,
        `unknown key "${prefix}${key}"`,
        `Known keys here: ${known.map((k) => `${prefix}${k}`).join(', ')}. See SPEC §8 for the policy shape.`,
      );
    }
  }
}

function invalid(source: string, message: string, hint?: string): ProvenantError {
  return new ProvenantError('POLICY_INVALID', `${source}: ${message}`, {
    hint:
      hint ??
      'Fix the audit policy; its shape is { "audit": { "expect", "requireProvenance", "allowMissing", "regression" } }.',
  });
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}
