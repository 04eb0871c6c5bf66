/**
 * Why a call to an external system failed, in terms an operator can act on. The engine decides from
 * `isRetryable` whether to back off and try again within the attempt, or to fail the attempt.
 */
export type FailureCategory =
  | 'authentication'
  | 'permission'
  | 'not_found'
  | 'throttled'
  | 'network'
  | 'conflict'
  | 'limit'
  | 'invalid'
  | 'unknown';

export class ProviderError extends Error {
  readonly category: FailureCategory;
  readonly isRetryable: boolean;
  /** The wait the upstream asked for (Retry-After), when it said. */
  readonly retryAfterMs: number | undefined;
  /** Status and error code from the upstream, for logs and history (never a secret). */
  readonly upstream: { status?: number; code?: string } | undefined;

  constructor(
    category: FailureCategory,
    message: string,
    options: { isRetryable?: boolean; retryAfterMs?: number; upstream?: { status?: number; code?: string }; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ProviderError';
    this.category = category;
    this.isRetryable = options.isRetryable ?? (category === 'throttled' || category === 'network' || category === 'conflict');
    this.retryAfterMs = options.retryAfterMs;
    this.upstream = options.upstream;
  }
}
