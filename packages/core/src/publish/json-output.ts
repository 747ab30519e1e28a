/**
 * Publishers print JSON after whatever lifecycle scripts wrote; find the
 * document that ends the output.
 */
export function parseTrailingJson(stdout: string): unknown {
  const text = stdout.trim();
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // scripts printed before the JSON: try each line that opens a document
  }
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]?.trimEnd();
    if (line !== '{' && line !== '[') continue;
    try {
      return JSON.parse(lines.slice(i).join('\n')) as unknown;
    } catch {
      // keep looking
    }
  }
  return null;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
