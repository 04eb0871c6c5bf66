/**
 * The one error type. Domain code throws it with a code from the closed list below; the HTTP layer maps
 * the code to a status through `statusByCode` and nowhere else.
 */
export const errorCodes = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'rate_limited',
  'upstream',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

export type FieldProblem = { path: string; message: string };

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: FieldProblem[] | undefined;
  /** For upstream errors: whether trying again later can succeed. */
  readonly isRetryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { details?: FieldProblem[]; isRetryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.details = options.details;
    this.isRetryable = options.isRetryable ?? false;
  }
}

export const statusByCode: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
  internal: 500,
};

/** The `error` field of the body: Infisical clients show it, so it names the class of problem. */
export const errorNameByCode: Record<ErrorCode, string> = {
  bad_request: 'BadRequest',
  unauthorized: 'UnauthorizedError',
  forbidden: 'PermissionDenied',
  not_found: 'NotFound',
  conflict: 'Conflict',
  payload_too_large: 'PayloadTooLarge',
  unsupported_media_type: 'UnsupportedMediaType',
  rate_limited: 'TooManyRequests',
  upstream: 'UpstreamError',
  unavailable: 'ServiceUnavailable',
  internal: 'InternalServerError',
};

export const badRequest = (message: string, details?: FieldProblem[]) =>
  new AppError('bad_request', message, details ? { details } : {});
export const notFound = (message: string) => new AppError('not_found', message);
export const forbidden = (message: string) => new AppError('forbidden', message);
export const conflict = (message: string) => new AppError('conflict', message);
export const unauthorized = (message: string) => new AppError('unauthorized', message);
