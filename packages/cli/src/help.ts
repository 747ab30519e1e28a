import type { Command } from './commands/command.js';

export const COMMON_HELP = `Common flags:
  --cwd <dir>            the monorepo root (any folder inside it works)
  --registry <url>       registry to read from and publish to (default: npm's configured registry)
  --filter <glob>        only packages whose name matches (repeatable; !glob excludes)
  --json                 print the JSON report on stdout; human output goes to stderr
  --report <file>        also write the JSON report to a file
  --summary <file>       write a Markdown summary (default: $GITHUB_STEP_SUMMARY when set)
  --concurrency <n>      publishes in flight, exactly (default: adaptive), and parallel
                         registry requests (default 16; verify 4 versions at once)
  --registry-timeout <s> seconds per registry request before a retry (default 15; verify 30)
  --verbose              list every package in the terminal report (already published and
                         private ones are otherwise counted in one line)
  --debug                show stack traces for unexpected errors`;

export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return `provenant — release a JavaScript monorepo with npm provenance, and prove every published version.

Usage: provenant <command> [flags]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n')}

${COMMON_HELP}

Exit codes: 0 success · 1 something is blocked, failed or unverified · 2 usage or configuration error · 130 interrupted.
Run provenant <command> --help for the command's own flags.`;
}

export function commandHelp(command: Command): string {
  return `${command.usage}\n\n${COMMON_HELP}`;
}
