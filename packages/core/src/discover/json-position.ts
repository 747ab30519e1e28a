import { parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';

/**
 * Where a JSON text first goes wrong. V8's `JSON.parse` messages do not always
 * carry a position (Node 20 often says only `Unexpected token 'x', "..." is not
 * valid JSON`), and a user wants "line 4, column 12": VS Code's JSON scanner
 * (`jsonc-parser`, comments and trailing commas disallowed) finds the offset.
 */
export interface JsonErrorPosition {
  offset: number;
  line: number;
  column: number;
  reason: string;
}

type ErrorName = ReturnType<typeof printParseErrorCode>;

const REASONS: Partial<Record<ErrorName, string>> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'bad number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":"',
  CommaExpected: 'expected ","',
  CloseBraceExpected: 'expected "," or "}"',
  CloseBracketExpected: 'expected "," or "]"',
  EndOfFileExpected: 'unexpected text after the end',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'bad number',
  InvalidUnicode: 'bad \\u escape',
  InvalidEscapeCharacter: 'bad escape',
  InvalidCharacter: 'control character in string',
};

export function findJsonError(text: string): JsonErrorPosition | null {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  const first = errors[0];
  if (!first) return null;
  const name = printParseErrorCode(first.error);
  const reason =
    text.length === 0 || first.offset >= text.length
      ? 'unexpected end of input'
      : root && first.offset >= root.offset + root.length
        ? 'unexpected text after the end'
        : REASONS[name];
  return { offset: first.offset, ...lineColumn(text, first.offset), reason: reason ?? name };
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  return { line: before.split('\n').length, column: offset - lineStart + 1 };
}
