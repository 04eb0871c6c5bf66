import { z } from 'zod';

/**
 * Input rules for secrets and folders, shared by the HTTP schemas and by the service API the rotation
 * engine calls (which bypasses HTTP validation, so the service checks again with the same functions).
 */

/** Largest secret value accepted, in UTF-8 bytes. Documented in the API descriptions. */
export const SECRET_VALUE_MAX_BYTES = 1024 * 1024;
export const SECRET_COMMENT_MAX_BYTES = 16 * 1024;
export const SECRET_NAME_MAX_LENGTH = 256;
export const FOLDER_NAME_MAX_LENGTH = 64;
/** Deeper trees are almost certainly a mistake and make recursive reads and renames expensive. */
export const FOLDER_MAX_DEPTH = 20;

const folderNamePattern = /^[A-Za-z0-9_-]+$/;

/** Why a secret name is invalid, or null when it is fine. */
export function secretNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > SECRET_NAME_MAX_LENGTH) return `must be at most ${SECRET_NAME_MAX_LENGTH} characters`;
  if (/\s/u.test(name)) return 'must not contain whitespace';
  // Control characters would corrupt dotenv/shell exports and logs.
  for (const ch of name) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) return 'must not contain control characters';
  }
  return null;
}

export function folderNameProblem(name: string): string | null {
  if (name.length === 0) return 'must not be empty';
  if (name.length > FOLDER_NAME_MAX_LENGTH) return `must be at most ${FOLDER_NAME_MAX_LENGTH} characters`;
  if (!folderNamePattern.test(name)) return 'may contain only letters, digits, dashes and underscores';
  return null;
}

export type PathResult = { ok: true; path: string } | { ok: false; problem: string };

/**
 * Normalises a folder path: a leading slash is added and a trailing one removed (`api/` → `/api`).
 * Empty segments (`/a//b`), `.` and `..` are refused rather than resolved, so a path always names
 * exactly the folder it looks like it names.
 */
export function normalizeSecretPath(input: string): PathResult {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed === '/') return { ok: true, path: '/' };
  let body = trimmed.startsWith('/') ? trimmed.slice(1) : trimmed;
  if (body.endsWith('/')) body = body.slice(0, -1);
  const segments = body.split('/');
  if (segments.length > FOLDER_MAX_DEPTH) return { ok: false, problem: `must be at most ${FOLDER_MAX_DEPTH} folders deep` };
  for (const segment of segments) {
    if (segment === '') return { ok: false, problem: 'must not contain empty segments (//)' };
    if (segment === '.' || segment === '..') return { ok: false, problem: 'must not contain "." or ".." segments' };
    const problem = folderNameProblem(segment);
    if (problem) return { ok: false, problem: `segment "${segment.slice(0, 80)}" ${problem}` };
  }
  return { ok: true, path: `/${segments.join('/')}` };
}

export function pathSegments(path: string): string[] {
  return path === '/' ? [] : path.slice(1).split('/');
}

export function joinPath(parent: string, name: string): string {
  return parent === '/' ? `/${name}` : `${parent}/${name}`;
}

export function parentPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KiB`;
  return `${bytes} bytes`;
}

// ---- zod building blocks -------------------------------------------------------------------------

export const zSecretPath = z
  .string()
  .max(2048)
  .default('/')
  .transform((value, ctx) => {
    const result = normalizeSecretPath(value);
    if (!result.ok) {
      ctx.addIssue({ code: 'custom', message: `Invalid secret path "${value.slice(0, 200)}": ${result.problem}` });
      return z.NEVER;
    }
    return result.path;
  })
  .describe('Folder path such as `/` or `/api/payments`; `..` and empty segments are refused');

export const zSecretName = z
  .string()
  .superRefine((value, ctx) => {
    const problem = secretNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `Secret name ${problem}` });
  })
  .describe(`Secret name: not empty, no whitespace, at most ${SECRET_NAME_MAX_LENGTH} characters`);

export const zFolderName = z
  .string()
  .trim()
  .superRefine((value, ctx) => {
    const problem = folderNameProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: `Folder name ${problem}` });
  });

export const zSecretValue = z
  .string()
  .superRefine((value, ctx) => {
    // Cheap pre-check on UTF-16 length before counting bytes: a 5 MB value is refused without a full scan.
    if (value.length > SECRET_VALUE_MAX_BYTES || byteLength(value) > SECRET_VALUE_MAX_BYTES) {
      ctx.addIssue({
        code: 'custom',
        message: `Secret value is too large: the limit is ${formatBytes(SECRET_VALUE_MAX_BYTES)} (UTF-8); store large files elsewhere and keep a reference here`,
      });
    }
  })
  .describe(`Secret value, at most ${formatBytes(SECRET_VALUE_MAX_BYTES)} of UTF-8`);

export const zSecretComment = z
  .string()
  .superRefine((value, ctx) => {
    if (value.length > SECRET_COMMENT_MAX_BYTES || byteLength(value) > SECRET_COMMENT_MAX_BYTES) {
      ctx.addIssue({ code: 'custom', message: `Secret comment is too long: the limit is ${formatBytes(SECRET_COMMENT_MAX_BYTES)}` });
    }
  });

/** Infisical clients send booleans in query strings as "true"/"false". */
export const zQueryBoolean = z
  .enum(['true', 'false', '1', '0'])
  .transform((value) => value === 'true' || value === '1');

export const zEnvironmentSlug = z.string().trim().min(1, 'Environment slug must not be empty').max(64);

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are uuids; anything else cannot name a row and is answered like a missing one. */
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}
