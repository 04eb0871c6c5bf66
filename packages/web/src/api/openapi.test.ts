import { execFileSync } from 'node:child_process';
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
});
