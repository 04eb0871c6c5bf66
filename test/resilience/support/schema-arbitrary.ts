import fc from 'fast-check';
import { hostileStrings } from '../../../packages/server/src/test-support/hostile-strings.js';
import type { JsonSchema } from './routes.js';

/**
 * fast-check arbitraries from the JSON schemas of the OpenAPI document: values that mostly satisfy the
 * schema (so a request gets past the first checks and reaches the service), with strings taken from the
 * test world where a field name says what it refers to. And, for the invalid-input run, the ways to break
 * a value for certain: a wrong JSON type, a broken bound, a missing required field, an unknown field.
 */

export type Hints = {
  /** Values for fields (and path or query parameters) by name, e.g. `environment` → `['dev']`. */
  byName: Record<string, readonly string[]>;
  uuids: readonly string[];
  emails: readonly string[];
};

export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'null' | 'array' | 'object';


export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...hostileStrings) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

export function nestedArrays(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = [value];
  return value;
}

export function nestedObjects(depth: number): unknown {
  let value: unknown = 'deep';
  for (let i = 0; i < depth; i += 1) value = { a: value };
  return value;
}

/** The JSON types a schema accepts (`integer` also counts as `number` for values like 2.0, not here). */
export function acceptedTypes(schema: JsonSchema): Set<JsonType> | undefined {
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const all = new Set<JsonType>();
    for (const branch of branches) {
      const types = acceptedTypes(branch);
      if (!types) return undefined;
      for (const type of types) all.add(type);
    }
    return all;
  }
  if (schema.enum) return new Set(schema.enum.map((value) => jsonTypeOf(value)));
  if (typeof schema.type === 'string') return new Set([schema.type as JsonType]);
  if (Array.isArray(schema.type)) return new Set(schema.type as JsonType[]);
  if (schema.properties) return new Set(['object']);
  return undefined;
}

export function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

function accepts(types: Set<JsonType>, value: unknown): boolean {
  const type = jsonTypeOf(value);
  return types.has(type) || (type === 'integer' && types.has('number'));
}

/** Values that no schema accepting only `types` can take, whatever its bounds. */
const wrongTypeCandidates: readonly unknown[] = [
  { __fuzz: nestedObjects(50) },
  nestedArrays(1000),
  ['🔑', '\u0000'],
  123456789,
  1.5,
  -0.000001,
  true,
  'a string',
  null,
  { toString: 'x', valueOf: 1 },
];

export function wrongTypeValues(schema: JsonSchema): unknown[] {
  const types = acceptedTypes(schema);
  if (!types) return [];
  return wrongTypeCandidates.filter((value) => !accepts(types, value));
}

const patternBreakers: readonly string[] = ['Not A Slug!', ' ', '🔑🔑', 'a b', '\u0000', '../x', 'UPPER CASE!'];

/** Values of the right JSON type that break a bound of the schema (length, pattern, enum, format, range). */
export function outOfBoundsValues(schema: JsonSchema): unknown[] {
  const values: unknown[] = [];
  if (schema.anyOf || schema.oneOf) return values;
  if (schema.enum) values.push('not-a-member-🔑', '');
  if (schema.type === 'string') {
    if (schema.maxLength !== undefined) values.push('x'.repeat(schema.maxLength + 1), '🔑'.repeat(schema.maxLength + 1));
    if (schema.minLength !== undefined && schema.minLength > 0) values.push('');
    if (schema.pattern) {
      const pattern = new RegExp(schema.pattern);
      values.push(...patternBreakers.filter((candidate) => !pattern.test(candidate) && !pattern.test(candidate.trim().toLowerCase())));
    }
    if (schema.format === 'uuid') values.push('not-a-uuid', '00000000-0000-0000-0000-00000000000g');
    if (schema.format === 'email') values.push('not-an-email', '@example.com');
    if (schema.format === 'date-time') values.push('not-a-date', '2024-13-45T99:99:99Z');
  }
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined) values.push(schema.minimum - 1);
    if (schema.maximum !== undefined) values.push(schema.maximum + 1);
  }
  if (schema.type === 'array') {
    if (schema.minItems !== undefined && schema.minItems > 0) values.push([]);
    if (schema.maxItems !== undefined) values.push(Array.from({ length: schema.maxItems + 1 }, () => 'x'));
  }
  return values;
}

/** A property of an object schema with the values that certainly make the whole body invalid. */
export type PropertyBreak = { path: string[]; values: unknown[] };

/** Top-level and one-level-nested properties of an object body schema, each with its certain breakers. */
export function propertyBreaks(schema: JsonSchema, path: string[] = [], depth = 0): PropertyBreak[] {
  if (!schema.properties) return [];
  const breaks: PropertyBreak[] = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    const values = [...wrongTypeValues(property), ...outOfBoundsValues(property)];
    if (values.length > 0) breaks.push({ path: [...path, name], values });
    if (depth === 0 && property.properties && schema.required?.includes(name)) breaks.push(...propertyBreaks(property, [...path, name], depth + 1));
  }
  return breaks;
}

function stringArbitrary(schema: JsonSchema, name: string, hints: Hints): fc.Arbitrary<unknown> {
  const fits = (value: string) =>
    value.length >= (schema.minLength ?? 0) && value.length <= (schema.maxLength ?? Number.POSITIVE_INFINITY) && (!schema.pattern || new RegExp(schema.pattern).test(value));
  const named = (hints.byName[name] ?? []).filter(fits);
  if (schema.format === 'uuid') return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(named.length > 0 ? named : hints.uuids)) }, { weight: 1, arbitrary: fc.uuid() });
  if (schema.format === 'email') return fc.constantFrom(...(named.length > 0 ? named : hints.emails));
  if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((date) => date.toISOString());
  const generated = schema.pattern
    ? fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
    : fc.oneof(fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 24, 24) }), hostileString.filter(fits));
  if (named.length === 0) return generated;
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...named) }, { weight: 1, arbitrary: generated });
}

/** Values that mostly satisfy `schema`; `name` is the field's name, for hints. */
export function arbitraryFromSchema(schema: JsonSchema, hints: Hints, name = '', depth = 0): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) return fc.oneof(...branches.map((branch) => arbitraryFromSchema(branch, hints, name, depth + 1)));
  if (schema.allOf?.[0]) return arbitraryFromSchema(schema.allOf[0], hints, name, depth + 1);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  switch (schema.type) {
    case 'string':
      return stringArbitrary(schema, name, hints);
    case 'integer':
      return fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
    case 'number':
      return fc.double({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const items = schema.items ? arbitraryFromSchema(schema.items, hints, name.endsWith('s') ? name.slice(0, -1) : name, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      return fc.array(items, { minLength: schema.minItems ?? 0, maxLength: Math.max(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) });
    }
    default:
      break;
  }
  if (schema.properties) {
    const model: Record<string, fc.Arbitrary<unknown>> = {};
    for (const [key, property] of Object.entries(schema.properties)) model[key] = arbitraryFromSchema(property, hints, key, depth + 1);
    const requiredKeys = (schema.required ?? []).filter((key) => key in model);
    return fc.record(model, { requiredKeys });
  }
  if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    return fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), arbitraryFromSchema(schema.additionalProperties, hints, name, depth + 1), { maxKeys: 3 });
  }
  return fc.jsonValue({ maxDepth: 2 });
}
