// The Action's pure parts: reading and checking its inputs, splitting `args`, and turning the
// CLI's JSON report into the Action's outputs. No I/O here, so the tests call them directly.

export const COMMANDS = ['release', 'check', 'verify'];
const EXACT_VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** A problem with an input: the Action reports it as its own error (a stable code) and exits 2. */
export class InputError extends Error {
  /**
   * @param {'ACTION_INPUT_MISSING' | 'ACTION_INPUT_INVALID'} code
   * @param {string} message
   */
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

/**
 * The inputs from the step's environment (action.yml maps each input to `INPUT_*` in `env:`).
 * @param {Record<string, string | undefined>} env
 * @returns {{ command: string, workingDirectory: string, args: string[], version: string | null }}
 */
export function readInputs(env) {
  const command = (env.INPUT_COMMAND ?? '').trim();
  if (command === '')
    throw new InputError(
      'ACTION_INPUT_MISSING',
      `Input "command" is required: one of ${COMMANDS.join(', ')} (with: command: release).`,
    );
  if (!COMMANDS.includes(command))
    throw new InputError(
      'ACTION_INPUT_INVALID',
      `Input "command" is "${command}"; it must be one of ${COMMANDS.join(', ')}.`,
    );
  const version = (env.INPUT_VERSION ?? '').trim();
  if (version !== '' && !EXACT_VERSION.test(version))
    throw new InputError(
      'ACTION_INPUT_INVALID',
      `Input "version" is "${version}"; give an exact @provenant/cli version such as 0.1.0, or leave it empty.`,
    );
  return {
    command,
    workingDirectory: (env.INPUT_WORKING_DIRECTORY ?? '').trim() || '.',
    args: splitArgs(env.INPUT_ARGS ?? ''),
    version: version === '' ? null : version,
  };
}

/**
 * Splits `text` into words as a POSIX shell would, without expanding anything: whitespace
 * separates, '…' is literal, "…" honours \" and \\, a backslash outside quotes escapes.
 * @param {string} text
 * @returns {string[]}
 */
export function splitArgs(text) {
  const words = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end === -1) throw new InputError('ACTION_INPUT_INVALID', 'Input "args" has an unclosed \' quote.');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) {
        if (text[j] === '\\' && (text[j + 1] === '"' || text[j + 1] === '\\')) j++;
        word += text[j];
      }
      if (j >= text.length)
        throw new InputError('ACTION_INPUT_INVALID', 'Input "args" has an unclosed " quote.');
      inWord = true;
      i = j;
    } else if (c === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/**
 * The `--report` file the user already asked for in `args`, if any.
 * @param {string[]} args
 */
export function reportFlag(args) {
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--report') return args[i + 1] ?? null;
    if (args[i].startsWith('--report=')) return args[i].slice('--report='.length);
  }
  return null;
}

/**
 * The Action's outputs from the CLI's JSON report (null: the command ended before writing one).
 * @param {{ command: string, packages: { name: string, version: string, status: string }[] } | null} report
 * @param {string} reportPath
 */
export function outputsOf(report, reportPath) {
  const packages = report?.packages ?? [];
  const specs = (statuses) =>
    packages.filter((p) => statuses.includes(p.status)).map((p) => `${p.name}@${p.version}`);
  return {
    // Already-published versions are `skipped`, so these statuses mean "published by this run".
    published: JSON.stringify(
      report?.command === 'release' ? specs(['published', 'verified', 'unverified']) : [],
    ),
    verified: JSON.stringify(specs(['verified'])),
    failed: JSON.stringify(specs(['failed', 'blocked', 'unverified'])),
    report: report ? reportPath : '',
  };
}

/**
 * `name<<delimiter` blocks for $GITHUB_OUTPUT (safe for any value).
 * @param {Record<string, string>} outputs
 * @param {string} delimiter
 */
export function outputFileText(outputs, delimiter) {
  return Object.entries(outputs)
    .map(([name, value]) => `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
    .join('');
}
