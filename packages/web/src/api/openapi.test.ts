import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const webRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join(webRoot, 'scripts/generate-api-types.mjs');

describe('typed API client', () => {
  it('is generated from the current openapi.json', () => {
    // The check regenerates the types in memory and fails when src/api/openapi.gen.ts differs.
    expect(() => execFileSync(process.execPath, [script, '--check'], { stdio: 'pipe' })).not.toThrow();
  });

  it('only keeps hand-written expectations for routes openapi.json still lacks', () => {
    const document = JSON.parse(readFileSync(path.resolve(webRoot, '../../openapi.json'), 'utf8')) as { paths: Record<string, unknown> };
    const expected = readFileSync(path.join(webRoot, 'src/api/openapi.expected.ts'), 'utf8');
    const declared = [...expected.matchAll(/^ {2}'(\/api\/[^']+)': \{/gm)].map((match) => match[1]);
    const landed = declared.filter((route) => route !== undefined && route in document.paths);
    expect(landed, 'these routes are documented now: delete them from openapi.expected.ts').toEqual([]);
  });
});
