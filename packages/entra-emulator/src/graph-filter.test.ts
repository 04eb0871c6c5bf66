import { describe, expect, it } from 'vitest';
import { evaluateFilter, FilterSyntaxError, parseFilter } from './graph-filter.js';

const app: Record<string, string> = { appId: 'ABC', displayName: "O'Brien Payments", id: '1' };
const matches = (filter: string): boolean => evaluateFilter(parseFilter(filter), (property) => app[property] ?? null);

describe('$filter parser', () => {
  it('evaluates eq / ne / in / startswith case-insensitively', () => {
    expect(matches("appId eq 'abc'")).toBe(true);
    expect(matches("displayName eq 'O''Brien Payments'")).toBe(true);
    expect(matches("startswith(displayName,'o''b')")).toBe(true);
    expect(matches("appId in ('x', 'abc')")).toBe(true);
    expect(matches("appId ne 'abc'")).toBe(false);
  });

  it('handles and / or / not with parentheses and precedence', () => {
    expect(matches("appId eq 'x' or appId eq 'abc' and id eq '1'")).toBe(true);
    expect(matches("(appId eq 'x' or appId eq 'abc') and id eq '2'")).toBe(false);
    expect(matches("not (appId eq 'x')")).toBe(true);
  });

  it('reports syntax errors', () => {
    expect(() => parseFilter('appId eq')).toThrow(FilterSyntaxError);
    expect(() => parseFilter("appId eq 'open")).toThrow(/unterminated/);
    expect(() => parseFilter("appId eq 'a' extra")).toThrow(FilterSyntaxError);
  });
});
