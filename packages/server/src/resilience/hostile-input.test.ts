import fc from 'fast-check';
import { hostileStrings } from '../test-support/hostile-strings.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authHeader, bootstrap } from '../test-support/fixtures.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Property-based hostile input against every route of the OpenAPI document: malformed path parameters,
 * query strings, headers and bodies (wrong types, oversized and deeply nested JSON, unicode edge cases),
 * with and without a token. No answer may be a 5xx. REKEY_FUZZ_RUNS scales the number of cases per route.
 */
const runsPerRoute = Number(process.env.REKEY_FUZZ_RUNS ?? 6);

type Operation = { method: string; path: string };

const edgeStrings = fc.constantFrom('', ...hostileStrings);
const anyString = fc.oneof(edgeStrings, fc.string({ maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
/** Lone surrogates cannot be percent-encoded (a client could not send them either). */
function encoded(value: string): string {
  try {
    return encodeURIComponent(value) || 'x';
  } catch {
    return 'x';
  }
}
const nested = (depth: number): unknown => (depth === 0 ? 'deep' : { a: [nested(depth - 1)] });
const hostileBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.dictionary(anyString, fc.oneof(anyString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(anyString, { maxLength: 5 }))),
  fc.constant(nested(200)),
  fc.constant({ secrets: Array.from({ length: 2000 }, () => ({ secretKey: 'A', secretValue: 'x' })) }),
  fc.constant('not json at all {'),
);

describe('hostile input on every route', { timeout: 600_000 }, () => {
  let t: TestApp;
  let token: string;
  let operations: Operation[];

  beforeAll(async () => {
    t = await startTestApp({ env: { LOG_LEVEL: 'silent' } });
    token = (await bootstrap(t)).userToken;
    await t.app.ready();
    const document = t.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        // Logging out or revoking the fuzzer's own token would only end the run early, not test anything.
        .filter((method) => !/\/auth\/(logout|token\/revoke)$/.test(path) || method !== 'post')
        .map((method) => ({ method: method.toUpperCase(), path })),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('never answers 5xx', async () => {
    expect(operations.length).toBeGreaterThan(50);
    const failures: string[] = [];
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(anyString, fc.dictionary(fc.string({ maxLength: 12 }), anyString, { maxKeys: 4 }), hostileBody, fc.boolean(), async (param, query, body, isAuthenticated) => {
          const url = operation.path.replace(/\{[^}]+\}/g, () => encoded(param));
          let search = '';
          try {
            search = new URLSearchParams(query).toString();
          } catch {
            search = 'q=x';
          }
          const hasBody = operation.method !== 'GET' && operation.method !== 'DELETE';
          const response = await t.app.inject({
            method: operation.method as 'GET',
            url: search ? `${url}?${search}` : url,
            headers: {
              ...(isAuthenticated ? authHeader(token) : { authorization: `Bearer ${encoded(param)}` }),
              ...(hasBody ? { 'content-type': 'application/json' } : {}),
            },
            ...(hasBody ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
          });
          if (response.statusCode >= 500) {
            failures.push(`${operation.method} ${url} → ${response.statusCode}: ${response.body.slice(0, 200)}`);
          }
          return true;
        }),
        { numRuns: runsPerRoute },
      );
    }
    expect(failures).toEqual([]);
  });
});
