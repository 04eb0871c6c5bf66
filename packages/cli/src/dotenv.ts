import { CliError } from './cli-error.js';

/**
 * Writes values so that the `dotenv` package reads back exactly what was written. Its rules decide the
 * quoting (checked against its source and in dotenv.test.ts):
 * - Single, double and backtick quotes may span lines; inside single quotes and backticks nothing is escaped.
 * - Inside double quotes `\n` and `\r` become newline and carriage return; no other escape exists, so a
 *   value with a literal backslash-n, or with a `"`, cannot be double-quoted.
 * - Every CR in the file is turned into LF before parsing, so a CR survives only as `\r` in double quotes.
 * - A closing quote preceded by a backslash makes the scanner look for a later quote, so a value ending in
 *   a backslash is only safe in double quotes.
 * - An unquoted value ends at `#` or the line's end and is trimmed; it is the only form left for a value that
 *   ends in a backslash and also holds every quote character.
 * Single quotes come first because they also mean "literal" to sh, docker compose and dotenv-expand.
 */

const keyPattern = /^[A-Za-z0-9_.-]+$/;

function singleQuoted(value: string): string | undefined {
  if (value.includes("'") || value.includes('\r') || value.endsWith('\\')) return undefined;
  return `'${value}'`;
}

function doubleQuoted(value: string): string | undefined {
  if (value.includes('"') || /\\[nr]/.test(value) || value.endsWith('\\')) return undefined;
  return `"${value.replaceAll('\r', '\\r').replaceAll('\n', '\\n')}"`;
}

function backtickQuoted(value: string): string | undefined {
  if (value.includes('`') || value.includes('\r') || value.endsWith('\\')) return undefined;
  return `\`${value}\``;
}

function bare(value: string): string | undefined {
  if (value === '' || /[#\r\n]/.test(value) || value.trim() !== value || `'"\``.includes(value.charAt(0))) return undefined;
  return value;
}

/** The quoted form of one value, or undefined when no form of dotenv's grammar can hold it. */
export function quoteDotenvValue(value: string): string | undefined {
  return singleQuoted(value) ?? doubleQuoted(value) ?? backtickQuoted(value) ?? bare(value);
}

/** `KEY='value'` lines, sorted by key; throws naming every key that dotenv cannot represent. */
export function formatDotenv(values: ReadonlyMap<string, string>): string {
  const lines: string[] = [];
  const badKeys: string[] = [];
  const badValues: string[] = [];
  for (const key of [...values.keys()].sort()) {
    if (!keyPattern.test(key)) {
      badKeys.push(key);
      continue;
    }
    const quoted = quoteDotenvValue(values.get(key) ?? '');
    if (quoted === undefined) badValues.push(key);
    else lines.push(`${key}=${quoted}`);
  }
  if (badKeys.length > 0) {
    throw new CliError(
      `Cannot write ${badKeys.join(', ')} in dotenv format: names may only hold letters, digits, _, . and -; use --format json or yaml`,
    );
  }
  if (badValues.length > 0) {
    throw new CliError(
      `Cannot write the value of ${badValues.join(', ')} in dotenv format exactly (it mixes quote characters with line breaks or escapes dotenv cannot express); use --format json or yaml`,
    );
  }
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}
