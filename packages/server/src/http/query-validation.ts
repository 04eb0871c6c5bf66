import type { FastifySchemaCompiler } from 'fastify';
import { deepFreeze } from '../db/read-cache.js';

const maxRemembered = 500;
const maxKeyLength = 2_048;

/**
 * The same query string comes back again and again (a service polls one folder's secrets), and a query
 * schema's answer depends on nothing but the query. So the answer for each distinct query is remembered per
 * route (bounded, successful answers only) and frozen, so that no handler can change what the next request
 * receives. Queries that repeat a parameter (arrays) or are long are validated every time.
 */
export function rememberingQueryValidation<S>(compile: FastifySchemaCompiler<S>): FastifySchemaCompiler<S> {
  return (route) => {
    const validate = compile(route);
    if (route.httpPart !== 'querystring') return validate;
    const answers = new Map<string, ReturnType<typeof validate>>();
    return (data) => {
      const key = queryKey(data);
      if (key === undefined) return validate(data);
      let answer = answers.get(key);
      if (answer === undefined) {
        answer = validate(data);
        if (!isSuccess(answer)) return answer;
        if (answers.size >= maxRemembered) answers.clear();
        answers.set(key, deepFreeze(answer));
      }
      return answer;
    };
  };
}

function isSuccess(answer: unknown): boolean {
  return typeof answer === 'object' && answer !== null && 'value' in answer && !('error' in answer && answer.error);
}

/** Names and values, length-prefixed so that no query can pass for another; undefined when not remembered. */
function queryKey(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  let key = '';
  for (const name in data) {
    const value = (data as Record<string, unknown>)[name];
    if (typeof value !== 'string') return undefined;
    key += `${name.length}:${name}${value.length}:${value}`;
    if (key.length > maxKeyLength) return undefined;
  }
  return key;
}
