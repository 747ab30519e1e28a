/**
 * Pure text edits that turn provenance on in one configuration file while
 * keeping everything else as it was: indentation, key order, line endings
 * and the final newline.
 */

export interface TextStyle {
  indent: string;
  eol: '\n' | '\r\n';
  finalNewline: boolean;
}

export function detectStyle(text: string): TextStyle {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indentMatch = /^[{[][^\S\r\n]*\r?\n([ \t]+)\S/.exec(text) ?? /\n([ \t]+)"/.exec(text);
  return {
    indent: indentMatch?.[1] ?? '  ',
    eol,
    finalNewline: /\r?\n$/.test(text),
  };
}

/**
 * Sets `publishConfig.provenance: true` in a package.json text. Returns null
 * when nothing needs changing. Keys keep their order; `publishConfig` is
 * added last when missing.
 */
export function setPublishConfigProvenance(text: string): string | null {
  const manifest = JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>;
  const current = manifest.publishConfig;
  const publishConfig: Record<string, unknown> =
    current && typeof current === 'object' && !Array.isArray(current)
      ? { ...(current as Record<string, unknown>) }
      : {};
  if (publishConfig.provenance === true) return null;
  publishConfig.provenance = true;
  manifest.publishConfig = publishConfig;
  const style = detectStyle(text);
  let out = JSON.stringify(manifest, null, style.indent);
  if (style.eol === '\r\n') out = out.replace(/\n/g, '\r\n');
  if (style.finalNewline) out += style.eol;
  return (text.startsWith('\uFEFF') ? '\uFEFF' : '') + out;
}

/** Sets `provenance=true` in an `.npmrc` text (null text: the file does not exist). Null when unchanged. */
export function setNpmrcProvenance(text: string | null): string | null {
  return setLine(text, /^\s*provenance\s*=.*$/m, 'provenance=true', /^\s*provenance\s*=\s*true\s*$/m);
}

/** Sets `npmPublishProvenance: true` in a `.yarnrc.yml` text. Null when unchanged. */
export function setYarnrcProvenance(text: string | null): string | null {
  return setLine(
    text,
    /^npmPublishProvenance\s*:.*$/m,
    'npmPublishProvenance: true',
    /^npmPublishProvenance\s*:\s*["']?true["']?\s*$/m,
  );
}

function setLine(text: string | null, existing: RegExp, line: string, alreadyOn: RegExp): string | null {
  if (text === null || text === '') return `${line}\n`;
  if (alreadyOn.test(text)) return null;
  if (existing.test(text)) return text.replace(existing, line);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const sep = /\r?\n$/.test(text) ? '' : eol;
  return `${text}${sep}${line}${eol}`;
}
