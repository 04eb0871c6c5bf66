import { validatorCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { rememberingQueryValidation } from './query-validation.js';

const schema = z.object({ environment: z.string().min(1), secretPath: z.string().default('/').transform((path) => path.replace(/\/+$/, '') || '/') });

function compiled(httpPart: string) {
  let runs = 0;
  const counting: typeof validatorCompiler = (route) => {
    const validate = validatorCompiler(route);
    return (data) => {
      runs += 1;
      return validate(data);
    };
  };
  const validate = rememberingQueryValidation(counting)({ schema, method: 'GET', url: '/x', httpPart });
  return { validate, runs: () => runs };
}

describe('remembered query validation', () => {
  it('validates each distinct query once and hands out the same frozen answer', () => {
    const { validate, runs } = compiled('querystring');
    const first = validate({ environment: 'dev', secretPath: '/app/' }) as { value: { secretPath: string } };
    const again = validate({ environment: 'dev', secretPath: '/app/' });
    expect(first.value).toEqual({ environment: 'dev', secretPath: '/app' });
    expect(again).toBe(first);
    expect(runs()).toBe(1);
    expect(() => {
      first.value.secretPath = '/other';
    }).toThrow(TypeError);
    validate({ environment: 'prod', secretPath: '/app/' });
    // Parts cannot run into each other: "ab" + "c" is not "a" + "bc".
    validate({ environment: 'dev', secretPathX: '/app/' });
    expect(runs()).toBe(3);
  });

  it('never remembers a refusal, repeated parameters, or other parts of the request', () => {
    const query = compiled('querystring');
    expect(query.validate({ environment: '' })).toHaveProperty('error');
    expect(query.validate({ environment: '' })).toHaveProperty('error');
    query.validate({ environment: ['dev', 'prod'] });
    query.validate({ environment: ['dev', 'prod'] });
    expect(query.runs()).toBe(4);
    const body = compiled('body');
    body.validate({ environment: 'dev' });
    body.validate({ environment: 'dev' });
    expect(body.runs()).toBe(2);
  });
});
