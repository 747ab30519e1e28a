// The small part of GitHub Actions' expression language our action.yml and release.yml use:
// property paths (`inputs.node-version`, `steps.x.outputs.y`, `secrets.NAME`), 'string'
// literals, true/false, == and != (case-insensitive, as GitHub compares strings), !, && and ||,
// parentheses. Anything else throws, so a workflow that starts using more breaks its test
// instead of being run wrongly.

export type ExpressionContext = Record<string, unknown>;

type Token = { kind: 'path' | 'string' | 'op'; text: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let text = '';
      let j = i + 1;
      for (; j < source.length; j++) {
        if (source[j] === "'" && source[j + 1] === "'") {
          text += "'";
          j++;
        } else if (source[j] === "'") break;
        else text += source[j];
      }
      if (j >= source.length) throw new Error(`unclosed string in expression: ${source}`);
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (['==', '!=', '&&', '||'].includes(source.slice(i, i + 2))) {
      tokens.push({ kind: 'op', text: source.slice(i, i + 2) });
      i += 2;
    } else if ('!()'.includes(c)) {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else {
      const match = /^[A-Za-z_][A-Za-z0-9_.-]*/.exec(source.slice(i));
      if (!match) throw new Error(`unsupported expression syntax at "${source.slice(i)}" in: ${source}`);
      tokens.push({ kind: 'path', text: match[0] });
      i += match[0].length;
    }
  }
  return tokens;
}

/** Evaluates one expression (the text inside `${{ }}`, or an `if:`) to a string or boolean. */
export function evaluate(source: string, context: ExpressionContext): string | boolean {
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (text?: string) => {
    const token = tokens[pos++];
    if (!token || (text !== undefined && token.text !== text))
      throw new Error(`expected ${text ?? 'a value'} in expression: ${source}`);
    return token;
  };
  const truthy = (v: string | boolean) => v !== false && v !== '' && v !== 'false';
  const primary = (): string | boolean => {
    const token = take();
    if (token.kind === 'string') return token.text;
    if (token.text === '!') return !truthy(primary());
    if (token.text === '(') {
      const value = or();
      take(')');
      return value;
    }
    if (token.kind !== 'path') throw new Error(`unexpected "${token.text}" in expression: ${source}`);
    if (token.text === 'true') return true;
    if (token.text === 'false') return false;
    if (peek()?.text === '(') throw new Error(`functions are not supported (${token.text}()) in: ${source}`);
    let value: unknown = context;
    for (const segment of token.text.split('.')) {
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
    if (value === undefined || value === null) return '';
    if (typeof value === 'boolean') return value;
    if (typeof value === 'string' || typeof value === 'number') return String(value);
    throw new Error(`${token.text} is not a value in: ${source}`);
  };
  const comparison = (): string | boolean => {
    const left = primary();
    const op = peek();
    if (op?.text !== '==' && op?.text !== '!=') return left;
    pos++;
    const right = primary();
    const equal = String(left).toLowerCase() === String(right).toLowerCase();
    return op.text === '==' ? equal : !equal;
  };
  const and = (): string | boolean => {
    let value = comparison();
    while (peek()?.text === '&&') {
      pos++;
      const right = comparison();
      value = truthy(value) ? right : value;
    }
    return value;
  };
  const or = (): string | boolean => {
    let value = and();
    while (peek()?.text === '||') {
      pos++;
      const right = and();
      value = truthy(value) ? value : right;
    }
    return value;
  };
  const result = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in expression: ${source}`);
  return result;
}

/** Replaces every `${{ expression }}` in `text`. */
export function interpolate(text: string, context: ExpressionContext): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) =>
    String(evaluate(expression, context)),
  );
}

/** An `if:` (with or without `${{ }}`); absent means success(), which in our runs is true. */
export function condition(ifExpression: unknown, context: ExpressionContext): boolean {
  if (ifExpression === undefined || ifExpression === null) return true;
  if (typeof ifExpression === 'boolean') return ifExpression;
  if (typeof ifExpression !== 'string') throw new Error(`unsupported if: ${JSON.stringify(ifExpression)}`);
  const source = ifExpression.trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const value = evaluate(source, context);
  return value !== false && value !== '' && value !== 'false';
}
