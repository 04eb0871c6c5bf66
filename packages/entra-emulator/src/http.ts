import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { RouteName } from './types.js';

/** A request after the body has been read; handlers never touch the Node stream. */
export interface EmulatorRequest {
  method: string;
  /** Decoded path without the query. */
  path: string;
  /** Path exactly as received (still percent-encoded), used when rebuilding URLs. */
  rawPath: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  route: RouteName;
  params: Record<string, string>;
  requestId: string;
  clientRequestId: string;
}

export interface EmulatorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export const MAX_BODY_BYTES = 1_048_576;

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  if (Array.isArray(value)) return value.join(', ');
  return value;
}

export async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): EmulatorResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function textResponse(status: number, body: string, contentType = 'text/plain; charset=utf-8'): EmulatorResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

export function emptyResponse(status: number, headers: Record<string, string> = {}): EmulatorResponse {
  return { status, headers, body: '' };
}

export function writeResponse(res: ServerResponse, response: EmulatorResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string | number> = { ...response.headers };
  if (response.status !== 204 && response.status !== 304) headers['content-length'] = Buffer.byteLength(response.body);
  res.writeHead(response.status, headers);
  res.end(response.status === 204 ? undefined : response.body);
}

/** Parses a JSON body; an empty body is `undefined`, a malformed one is `null`. */
export function parseJsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return null;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const sleep = (ms: number): Promise<void> =>
  ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms));
