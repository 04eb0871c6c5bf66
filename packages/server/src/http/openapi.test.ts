import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

const committedFile = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../openapi.json');

/**
 * The OpenAPI document is generated from the route schemas and committed, so API changes show up in
 * review. `npm run openapi` rewrites it; this test fails when the routes and the file disagree.
 */
describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.ready();
  });
  afterAll(async () => {
    await t.close();
  });

  it('matches the committed openapi.json', async () => {
    const generated = `${JSON.stringify(t.app.swagger(), null, 2)}\n`;
    if (process.env.UPDATE_OPENAPI === '1') {
      await writeFile(committedFile, generated);
      return;
    }
    const committed = await readFile(committedFile, 'utf8').catch(() => '');
    expect(committed, 'openapi.json is out of date: run `npm run openapi` and commit the result').toBe(generated);
  });

  it('documents every route with a summary', () => {
    const document = t.app.swagger() as { paths: Record<string, Record<string, { summary?: string }>> };
    const missing: string[] = [];
    for (const [route, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        if (!operation.summary) missing.push(`${method.toUpperCase()} ${route}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
