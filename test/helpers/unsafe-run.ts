/**
 * Finds text that tells a user to run the unscoped npm package `provenant`
 * (someone else's package) through a tool that downloads what is missing:
 * `npx provenant`, `npx -y provenant@1`, `pnpm dlx provenant`, `npm exec provenant`,
 * `npm exec -- provenant` (no `--no`), `bunx provenant`, `yarn dlx provenant`, `npx -p provenant …`.
 * Safe forms pass: `npx @provenant/cli@0.1.0 …`, `pnpm exec provenant`,
 * `npm exec --no -- provenant`, `yarn provenant`.
 */

/** A runner that fetches a missing package, and whether `--no` turns that off. */
const RUNNERS: { pattern: RegExp; noInstallFlag: boolean }[] = [
  { pattern: /\bnpx\s+/g, noInstallFlag: true },
  { pattern: /\bpnpx\s+/g, noInstallFlag: false },
  { pattern: /\bbunx\s+/g, noInstallFlag: false },
  { pattern: /\bpnpm\s+dlx\s+/g, noInstallFlag: false },
  { pattern: /\byarn\s+dlx\s+/g, noInstallFlag: false },
  { pattern: /\bnpm\s+(?:exec|x)\s+/g, noInstallFlag: true },
];

/** Options of npx / npm exec / dlx that take a value, so that value names a package or a command. */
const VALUE_OPTIONS = new Set(['-p', '--package', '-c', '--call', '--workspace', '-w']);
const UNSCOPED = /^['"]?provenant(?:@[^\s'"]*)?['"]?$/;

export interface UnsafeRun {
  line: number;
  text: string;
}

/** Every line of `text` that runs the unscoped `provenant` through a downloading runner. */
export function findUnsafeRuns(text: string): UnsafeRun[] {
  const found: UnsafeRun[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    for (const { pattern, noInstallFlag } of RUNNERS) {
      for (const match of line.matchAll(pattern)) {
        const rest = line.slice((match.index ?? 0) + match[0].length);
        if (runsUnscoped(rest, noInstallFlag)) found.push({ line: index + 1, text: line.trim() });
      }
    }
  });
  return found;
}

function runsUnscoped(rest: string, noInstallFlag: boolean): boolean {
  // The command ends at shell or Markdown/JS-string punctuation.
  const command = rest.split(/[`;|&)\\\n]/, 1)[0] ?? '';
  const tokens = command.split(/\s+/).filter(Boolean);
  let noInstall = false;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] ?? '';
    if (token === '--') continue;
    if (token === '--no' || token === '--no-install' || token === '--yes=false') {
      noInstall = noInstallFlag;
      continue;
    }
    const [flag, inline] = token.split('=', 2);
    if (flag !== undefined && VALUE_OPTIONS.has(flag)) {
      const value = inline ?? tokens[(i += 1)] ?? '';
      if (flag.startsWith('-p') || flag === '--package') {
        if (UNSCOPED.test(value) && !noInstall) return true;
      }
      continue;
    }
    if (token.startsWith('-')) continue;
    // The first positional is the package (or bin) to run.
    return UNSCOPED.test(token) && !noInstall;
  }
  return false;
}
