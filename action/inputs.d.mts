// Types of inputs.mjs for the TypeScript tests that call it.
export declare const COMMANDS: readonly string[];
export declare class InputError extends Error {
  code: 'ACTION_INPUT_MISSING' | 'ACTION_INPUT_INVALID';
  constructor(code: 'ACTION_INPUT_MISSING' | 'ACTION_INPUT_INVALID', message: string);
}
export declare function readInputs(env: Record<string, string | undefined>): {
  command: string;
  workingDirectory: string;
  args: string[];
  version: string | null;
};
export declare function splitArgs(text: string): string[];
export declare function reportFlag(args: string[]): string | null;
export declare function outputsOf(
  report: { command: string; packages: { name: string; version: string; status: string }[] } | null,
  reportPath: string,
): { published: string; verified: string; failed: string; report: string };
export declare function outputFileText(outputs: Record<string, string>, delimiter: string): string;
