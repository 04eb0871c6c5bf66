import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    captureDir: string;
  }
}

/**
 * Server logs and HTTP responses seen by the suite are written here so that, after the whole suite, the
 * global teardown can scan them for sentinel secret values (see global-setup.ts). A response may carry a
 * secret value only when the test marks it as permitted (an authorised read of that secret).
 */
function captureFile(kind: 'logs' | 'responses'): string {
  const dir = inject('captureDir');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${kind}-${process.pid}.jsonl`);
}

export function captureLogs(source: string, text: string): void {
  appendFileSync(captureFile('logs'), `${JSON.stringify({ source, text })}\n`);
}

export type CapturedResponse = {
  source: string;
  method: string;
  url: string;
  status: number;
  body: string;
  /** True only where the caller is allowed to see secret values in this response. */
  mayContainSecrets: boolean;
};

export function captureResponse(response: CapturedResponse): void {
  appendFileSync(captureFile('responses'), `${JSON.stringify(response)}\n`);
}
