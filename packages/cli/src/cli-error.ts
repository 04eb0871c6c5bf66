/**
 * An error meant for the person at the terminal: `message` is the one line `rekey` prints, `detail` is
 * extra context shown only with --debug (request ids, URLs), `exitCode` is what the process exits with.
 */
export class CliError extends Error {
  readonly exitCode: number;
  readonly detail: string | undefined;

  constructor(message: string, options: { exitCode?: number; detail?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.detail = options.detail;
  }
}

/** Exit codes other than the generic 1, following shell conventions so scripts can tell them apart. */
export const exitCodes = {
  failure: 1,
  usage: 2,
  /** The command exists but could not be executed (permissions), as in sh. */
  cannotExecute: 126,
  /** The command was not found, as in sh. */
  notFound: 127,
  /** Interrupted by Ctrl+C at a prompt: 128 + SIGINT. */
  interrupted: 130,
} as const;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
