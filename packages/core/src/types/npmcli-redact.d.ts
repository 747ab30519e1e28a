declare module '@npmcli/redact' {
  /** Redacts npm tokens, UUIDs and URL passwords in a string, split on whitespace and `=`. */
  export function redactLog(value: string): string;
  export function redact(value: string): string;
}
