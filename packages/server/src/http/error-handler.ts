import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, type ErrorCode, type FieldProblem, errorNameByCode, statusByCode } from './errors.js';

export type ErrorBody = {
  statusCode: number;
  error: string;
  message: string;
  reqId: string;
  code: ErrorCode;
  details?: FieldProblem[];
};

function body(code: ErrorCode, message: string, reqId: string, details?: FieldProblem[]): ErrorBody {
  return {
    statusCode: statusByCode[code],
    error: errorNameByCode[code],
    message,
    reqId,
    code,
    ...(details && details.length > 0 ? { details } : {}),
  };
}

/** Fastify's own errors carry a status; map them onto our codes so the body shape stays one. */
function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 429) return 'rate_limited';
  if (status >= 400 && status < 500) return 'bad_request';
  return 'internal';
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.code === 'internal' || error.code === 'upstream') {
        request.log.warn({ code: error.code, msg: error.message }, 'request failed');
      }
      return reply.status(statusByCode[error.code]).send(body(error.code, error.message, request.id, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => {
        const where = error.validationContext ?? 'request';
        const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
        return { path: field ? `${where}.${field}` : where, message: issue.message ?? 'is invalid' };
      });
      const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
      return reply.status(400).send(body('bad_request', `Invalid request: ${summary}`, request.id, details));
    }
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 500) {
      // Unknown failures are logged with their stack but never shown to the caller.
      request.log.error({ err: error }, 'unhandled error');
      return reply.status(500).send(body('internal', 'Something went wrong on our side; the request id identifies it in the server log.', request.id));
    }
    const code = codeForStatus(status);
    return reply.status(statusByCode[code]).send(body(code, error.message, request.id));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(body('not_found', `Route ${request.method} ${request.url.split('?')[0]} does not exist`, request.id));
  });
}
