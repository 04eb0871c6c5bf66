import type { z } from 'zod';

/**
 * A response serializer compiled from a zod response schema, for the hot read routes. The default zod
 * serializer validates the whole response before JSON.stringify (measured: about as long again as the
 * stringify itself for 50 secrets); this one walks the schema once at start-up and then writes only
 * the fields the schema names, in schema order, checking primitive types as it goes. Like
 * fast-json-stringify, a field the schema does not name is never sent.
 */
type Write = (value: unknown) => string;

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
};

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

function fail(expected: string, value: unknown): never {
  throw new TypeError(`response serialization: expected ${expected}, got ${value === null ? 'null' : typeof value}`);
}

const writeString: Write = (value) => (typeof value === 'string' ? JSON.stringify(value) : fail('a string', value));
const writeNumber: Write = (value) => (typeof value === 'number' && Number.isFinite(value) ? String(value) : fail('a number', value));
const writeBoolean: Write = (value) => (typeof value === 'boolean' ? (value ? 'true' : 'false') : fail('a boolean', value));

function isOptional(schema: z.ZodType): boolean {
  const type = defOf(schema).type;
  return type === 'optional' || type === 'default';
}

export function compileJsonWriter(schema: z.ZodType): Write {
  const def = defOf(schema);
  switch (def.type) {
    case 'string':
    case 'enum':
      return writeString;
    case 'number':
      return writeNumber;
    case 'boolean':
      return writeBoolean;
    case 'nullable': {
      const inner = compileJsonWriter(def.innerType as z.ZodType);
      return (value) => (value === null ? 'null' : inner(value));
    }
    case 'optional':
    case 'default':
      return compileJsonWriter(def.innerType as z.ZodType);
    case 'array': {
      const item = compileJsonWriter(def.element as z.ZodType);
      return (value) => {
        if (!Array.isArray(value)) fail('an array', value);
        let out = '[';
        for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + item(value[i]);
        return `${out}]`;
      };
    }
    case 'object': {
      const fields = Object.entries(def.shape ?? {}).map(([key, field]) => ({
        key,
        prefix: `${JSON.stringify(key)}:`,
        write: compileJsonWriter(field),
        isOptional: isOptional(field),
      }));
      return (value) => {
        if (typeof value !== 'object' || value === null) fail('an object', value);
        const record = value as Record<string, unknown>;
        let out = '{';
        let isFirst = true;
        for (const field of fields) {
          const fieldValue = record[field.key];
          if (fieldValue === undefined) {
            if (field.isOptional) continue;
            fail(`field ${field.key}`, fieldValue);
          }
          out += (isFirst ? '' : ',') + field.prefix + field.write(fieldValue);
          isFirst = false;
        }
        return `${out}}`;
      };
    }
    default:
      // Records and anything unusual: plain JSON (still only reached through a named field).
      return (value) => JSON.stringify(value) ?? 'null';
  }
}

/** A route-level `serializerCompiler` built on `compileJsonWriter`. */
export function compiledSerializer(route: { schema: unknown }): (data: unknown) => string {
  return compileJsonWriter(route.schema as z.ZodType);
}

/**
 * JSON bytes for cached payloads. A frozen payload is a cached read (db/read-cache.ts) that later requests
 * receive again as the very same object, so its bytes are kept with it (weakly: they go when the cache drops
 * the payload) and serialised and encoded once instead of on every request. Returns undefined for a payload
 * that is not cached; the route's serializer handles those.
 */
export function cachedJsonBody(schema: z.ZodType): (data: object) => Buffer | undefined {
  const write = compileJsonWriter(schema);
  const bodies = new WeakMap<object, Buffer>();
  return (data) => {
    if (!Object.isFrozen(data)) return undefined;
    let body = bodies.get(data);
    if (body === undefined) {
      body = Buffer.from(write(data), 'utf8');
      bodies.set(data, body);
    }
    return body;
  };
}
