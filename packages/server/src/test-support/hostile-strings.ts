/**
 * Strings that have broken web services before: traversal, NUL and lone surrogates, bidi and combining
 * characters, injection attempts, huge values, numbers in disguise. The hostile-input tests (this package's
 * and test/resilience) draw from this one list.
 */
export const hostileStrings: readonly string[] = [
  ' ',
  '..',
  '../../etc/passwd',
  '%00',
  '\u0000',
  '\uD800',
  '\uDFFF\uD800',
  '\u202Eevil',
  'e\u0301',
  '\uFEFF',
  '🔑'.repeat(50),
  'x'.repeat(5000),
  '00000000-0000-0000-0000-000000000000',
  "' or 1=1 --",
  '"; drop table secrets; --',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal secret reference is part of the hostile input
  '${env.KEY}',
  '<script>alert(1)</script>',
  '__proto__',
  'true',
  '-1',
  '1e309',
  'NaN',
];
