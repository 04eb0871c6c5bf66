import { CommanderError } from 'commander';
import { ApiError } from './api-client.js';
import { CliError, exitCodes } from './cli-error.js';

/** One line for any failure; with --debug, the request id (to find the request in the server log) and more. */
export function describeError(error: unknown, isDebug: boolean): { line: string; exitCode: number; detail?: string } {
  if (error instanceof ApiError) {
    const line = apiErrorLine(error);
    const requestId = error.requestId ? ` (request id ${error.requestId})` : '';
    return { line: isDebug ? `${line}${requestId}` : line, exitCode: exitCodes.failure, detail: `${error.method} ${error.url} -> ${error.status}` };
  }
  if (error instanceof CliError) {
    return { line: error.message, exitCode: error.exitCode, ...(error.detail ? { detail: error.detail } : {}) };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { line: `unexpected error: ${message}`, exitCode: exitCodes.failure, ...(error instanceof Error && error.stack ? { detail: error.stack } : {}) };
}

function apiErrorLine(error: ApiError): string {
  if (error.status === 401) return `Not authenticated: ${error.message}; ${error.authHint ?? 'run `rekey login`'}`;
  if (error.status === 403) return `Permission denied: ${error.message}`;
  if (error.status === 404 && /^Route \w+ \S+ does not exist$/.test(error.message)) {
    return `The server does not support this request (${error.message}); is it an older Rekey, or is --api-url wrong?`;
  }
  if (error.status === 429) return `Too many requests: ${error.message}; wait a moment and try again`;
  if (error.status >= 500) return `Server error (${error.status}): ${error.message}`;
  return error.message;
}

/** Commander has printed its own message for usage errors; only the exit code is left to decide. */
export function commanderExitCode(error: CommanderError): number {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
  return error.exitCode === 0 ? 0 : exitCodes.usage;
}

export function isCommanderError(error: unknown): error is CommanderError {
  return error instanceof CommanderError;
}
