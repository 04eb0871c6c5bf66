/**
 * A small OData `$filter` parser covering what directory clients use on applications:
 * `eq`, `ne`, `in`, `startswith()`, `not`, `and`, `or`, parentheses and quoted strings.
 */

export type FilterNode =
  | { kind: 'and' | 'or'; left: FilterNode; right: FilterNode }
  | { kind: 'not'; operand: FilterNode }
  | { kind: 'eq' | 'ne'; property: string; value: string | null }
  | { kind: 'in'; property: string; values: string[] }
  | { kind: 'startswith'; property: string; value: string };

/** A leaf of the tree: one property compared with literals. */
export type FilterComparison = Extract<FilterNode, { property: string }>;

export class FilterSyntaxError extends Error {
  override name = 'FilterSyntaxError';
}

type Token =
  | { type: 'string'; value: string; at: number }
  | { type: 'word'; value: string; at: number }
  | { type: 'punct'; value: '(' | ')' | ','; at: number };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
    } else if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ type: 'punct', value: ch, at: i });
      i += 1;
    } else if (ch === "'") {
      const at = i;
      let value = '';
      i += 1;
      for (;;) {
        if (i >= input.length) throw new FilterSyntaxError(`Syntax error: unterminated string literal at position ${at} in '${input}'.`);
        const c = input.charAt(i);
        if (c === "'") {
          // OData escapes a quote inside a literal by doubling it.
          if (input.charAt(i + 1) === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i += 1;
          break;
        }
        value += c;
        i += 1;
      }
      tokens.push({ type: 'string', value, at });
    } else {
      const at = i;
      let value = '';
      while (i < input.length && /[A-Za-z0-9_./$-]/.test(input.charAt(i))) {
        value += input.charAt(i);
        i += 1;
      }
      if (value === '') throw new FilterSyntaxError(`Syntax error at position ${at} in '${input}'.`);
      tokens.push({ type: 'word', value, at });
    }
  }
  return tokens;
}

export function parseFilter(input: string): FilterNode {
  const tokens = tokenize(input);
  let pos = 0;

  const peek = (): Token | undefined => tokens[pos];
  const fail = (token: Token | undefined): never => {
    throw new FilterSyntaxError(`Syntax error at position ${token ? token.at : input.length} in '${input}'.`);
  };
  const next = (): Token => {
    const token = tokens[pos];
    if (!token) return fail(undefined);
    pos += 1;
    return token;
  };
  const expectPunct = (value: '(' | ')' | ','): void => {
    const token = next();
    if (token.type !== 'punct' || token.value !== value) fail(token);
  };
  const isWord = (token: Token | undefined, word: string): boolean =>
    token?.type === 'word' && token.value.toLowerCase() === word;
  const literal = (): string | null => {
    const token = next();
    if (token.type === 'string') return token.value;
    if (token.type === 'word' && token.value === 'null') return null;
    return fail(token);
  };

  const primary = (): FilterNode => {
    const token = peek();
    if (isWord(token, 'not')) {
      pos += 1;
      return { kind: 'not', operand: primary() };
    }
    if (token?.type === 'punct' && token.value === '(') {
      pos += 1;
      const inner = orExpr();
      expectPunct(')');
      return inner;
    }
    if (isWord(token, 'startswith')) {
      pos += 1;
      expectPunct('(');
      const property = next();
      if (property.type !== 'word') return fail(property);
      expectPunct(',');
      const value = literal();
      if (value === null) return fail(peek());
      expectPunct(')');
      return { kind: 'startswith', property: property.value, value };
    }
    const property = next();
    if (property.type !== 'word') return fail(property);
    const operator = next();
    if (isWord(operator, 'eq') || isWord(operator, 'ne')) {
      return { kind: operator.value.toLowerCase() as 'eq' | 'ne', property: property.value, value: literal() };
    }
    if (isWord(operator, 'in')) {
      expectPunct('(');
      const values: string[] = [];
      for (;;) {
        const value = literal();
        if (value !== null) values.push(value);
        const separator = next();
        if (separator.type === 'punct' && separator.value === ')') break;
        if (separator.type !== 'punct' || separator.value !== ',') fail(separator);
      }
      return { kind: 'in', property: property.value, values };
    }
    return fail(operator);
  };

  const andExpr = (): FilterNode => {
    let left = primary();
    while (isWord(peek(), 'and')) {
      pos += 1;
      left = { kind: 'and', left, right: primary() };
    }
    return left;
  };

  const orExpr = (): FilterNode => {
    let left = andExpr();
    while (isWord(peek(), 'or')) {
      pos += 1;
      left = { kind: 'or', left, right: andExpr() };
    }
    return left;
  };

  const tree = orExpr();
  if (pos < tokens.length) fail(tokens[pos]);
  return tree;
}

/** Visits every comparison so callers can validate properties and operators before evaluating. */
export function comparisons(node: FilterNode, negated = false): Array<{ node: FilterComparison; negated: boolean }> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return [...comparisons(node.left, negated), ...comparisons(node.right, negated)];
    case 'not':
      return comparisons(node.operand, true);
    default:
      return [{ node, negated }];
  }
}

/** Directory string comparisons are case-insensitive. */
export function evaluateFilter(node: FilterNode, read: (property: string) => string | null): boolean {
  const same = (a: string | null, b: string | null): boolean => (a === null || b === null ? a === b : a.toLowerCase() === b.toLowerCase());
  switch (node.kind) {
    case 'and':
      return evaluateFilter(node.left, read) && evaluateFilter(node.right, read);
    case 'or':
      return evaluateFilter(node.left, read) || evaluateFilter(node.right, read);
    case 'not':
      return !evaluateFilter(node.operand, read);
    case 'eq':
      return same(read(node.property), node.value);
    case 'ne':
      return !same(read(node.property), node.value);
    case 'in':
      return node.values.some((value) => same(read(node.property), value));
    case 'startswith': {
      const actual = read(node.property);
      if (actual === null) return false;
      return actual.toLowerCase().startsWith(node.value.toLowerCase());
    }
  }
}
