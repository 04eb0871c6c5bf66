import { parse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { CliError } from './cli-error.js';
import { formatDotenv, quoteDotenvValue } from './dotenv.js';
import { parse as parseYaml } from 'yaml';
import { renderExport } from './export-formats.js';

/** Values chosen to hit every rule of dotenv's grammar (see the comment in dotenv.ts). */
const awkward: Record<string, string> = {
  NEWLINES: 'line one\nline two\n\nline four',
  PEM: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  SINGLE_QUOTE: "it's",
  DOUBLE_QUOTES: 'say "hi"',
  BOTH_QUOTES: `it's "quoted"`,
  BOTH_QUOTES_MULTILINE: `it's\n"quoted"`,
  HASH: 'abc#def # not a comment',
  LEADING_HASH: '#start',
  EQUALS: 'a=b=c',
  URL: 'postgres://user:p@ss=w#rd@host:5432/db?sslmode=require',
  LITERAL_BACKSLASH_N: 'C:\\new\\file',
  ESCAPE_AND_QUOTE: `it's \\n not a newline`,
  TRAILING_BACKSLASH: 'ends with \\',
  CARRIAGE_RETURN: 'windows\r\nline',
  SPACES: '  padded  ',
  EMPTY: '',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal reference, as a secret value may hold one
  DOLLAR: '$HOME ${OTHER} $(cmd)',
  BACKTICK: 'run `this`',
  TAB: 'a\tb',
  UNICODE: 'grüße 🚀',
  ONLY_QUOTE: "'",
  ONLY_DOUBLE: '"',
  QUOTED_LOOKING: "'already quoted'",
};

describe('formatDotenv', () => {
  it('round-trips awkward values through the dotenv parser (both of its parsers)', () => {
    const text = formatDotenv(new Map(Object.entries(awkward)));
    expect(parse(text)).toEqual(awkward);
    expect(parse(text, { fast: true })).toEqual(awkward);
  });

  it('round-trips every value on its own line too', () => {
    for (const [key, value] of Object.entries(awkward)) {
      expect(parse(formatDotenv(new Map([[key, value]])))).toEqual({ [key]: value });
    }
  });

  it('prefers single quotes, which sh, docker compose and dotenv-expand also read literally', () => {
    expect(quoteDotenvValue('a=b#c "d" $HOME')).toBe(`'a=b#c "d" $HOME'`);
    expect(quoteDotenvValue("it's")).toBe(`"it's"`);
    expect(quoteDotenvValue('two\r\nlines')).toBe('"two\\r\\nlines"');
  });

  it('sorts by key and ends with a newline', () => {
    expect(formatDotenv(new Map([['B', '2'], ['A', '1']]))).toBe("A='1'\nB='2'\n");
    expect(formatDotenv(new Map())).toBe('');
  });

  it('refuses, naming the key, a value no dotenv quoting can hold', () => {
    const impossible = `it's "both" and \`tick\`\nmultiline`;
    expect(quoteDotenvValue(impossible)).toBeUndefined();
    expect(() => formatDotenv(new Map([['BAD', impossible]]))).toThrow(CliError);
    expect(() => formatDotenv(new Map([['BAD', impossible]]))).toThrow(/BAD.*--format json or yaml/);
  });

  it('refuses names dotenv cannot read', () => {
    expect(() => formatDotenv(new Map([['HAS SPACE', 'x']]))).toThrow(/HAS SPACE/);
    expect(() => formatDotenv(new Map([['A:B', 'x']]))).toThrow(/A:B/);
  });
});

describe('renderExport', () => {
  const values = new Map([...Object.entries(awkward), ['NUMBERISH', '0123'], ['BOOLISH', 'true'], ['NULLISH', 'null'], ['__proto__', 'x']]);

  it('json keeps every value as a string, sorted by key', async () => {
    const parsed = JSON.parse(await renderExport(values, 'json')) as Record<string, string>;
    expect(parsed).toEqual(Object.fromEntries(values));
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(Object.keys(parsed)).toEqual([...values.keys()].sort());
  });

  it('yaml keeps every value as a string, line breaks and all', async () => {
    expect(parseYaml(await renderExport(values, 'yaml'))).toEqual(Object.fromEntries(values));
    expect(parseYaml(await renderExport(new Map(), 'yaml'))).toEqual({});
  });
});
