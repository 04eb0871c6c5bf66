import { ProviderError } from '../../secret-rotations/engine/provider-error.js';

type GraphErrorLike = { statusCode?: number; code?: string | null; message?: string; headers?: { get(name: string): string | null } };

/** Graph sends Retry-After in seconds (or, rarely, as an HTTP date). */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const aadstsExplanations: Record<string, { category: ProviderError['category']; text: string }> = {
  '7000215': { category: 'authentication', text: 'the client secret is wrong or expired' },
  '7000222': { category: 'authentication', text: 'the client secret has expired' },
  '7000218': { category: 'authentication', text: 'no client secret or certificate was sent' },
  '700016': { category: 'not_found', text: 'the application (client) ID was not found in the tenant' },
  '90002': { category: 'not_found', text: 'the tenant was not found' },
  '900023': { category: 'invalid', text: 'the tenant ID is not a valid tenant identifier' },
  '700027': { category: 'authentication', text: 'the certificate assertion could not be verified (wrong certificate or private key)' },
  '70011': { category: 'invalid', text: 'the requested scope is not valid' },
  '700024': { category: 'authentication', text: 'the certificate assertion is outside its validity window (check the server clock)' },
  '50027': { category: 'authentication', text: 'the certificate assertion is malformed' },
  '7000112': { category: 'authentication', text: 'the application is disabled in the tenant' },
  '70008': { category: 'authentication', text: 'the authorization code has expired' },
  '54005': { category: 'authentication', text: 'the authorization code was already used' },
  '9002313': { category: 'authentication', text: 'the authorization code or refresh token is not valid' },
  '501481': { category: 'authentication', text: 'the authorization code does not belong to this sign-in (PKCE mismatch)' },
  '50011': { category: 'invalid', text: "the redirect URI is not registered on Rekey's OAuth app" },
  '700082': { category: 'authentication', text: 'the refresh token has expired after a long period of inactivity' },
  '50173': { category: 'authentication', text: 'the grant was revoked (the password changed or consent was withdrawn)' },
  // temporarily_unavailable: "A transient error has occurred. Please try again." (answered with a 5xx or 429).
  '90033': { category: 'network', text: 'Entra ID is temporarily unavailable (a transient error)' },
};

export function aadstsCode(message: string): string | undefined {
  return message.match(/AADSTS(\d+)/)?.[1];
}

/** Errors from @azure/identity / MSAL while getting a token, as ProviderErrors with actionable text. */
export function translateTokenError(error: unknown, subject: string): ProviderError {
  const message = error instanceof Error ? error.message : String(error);
  const code = aadstsCode(message);
  if (code) {
    const known = aadstsExplanations[code];
    if (known) return new ProviderError(known.category, `${subject}: ${known.text} (AADSTS${code})`, { upstream: { code: `AADSTS${code}` }, cause: error });
    return new ProviderError('authentication', `${subject}: Entra ID refused the token request (AADSTS${code})`, {
      upstream: { code: `AADSTS${code}` },
      cause: error,
    });
  }
  if (/endpoints_resolution_error|invalid_tenant|tenant/i.test(message) && /not found|resolution/i.test(message)) {
    return new ProviderError('not_found', `${subject}: the tenant was not found (check the tenant ID)`, { cause: error });
  }
  if (/ECONNREFUSED|ENOTFOUND|ETIMEDOUT|ECONNRESET|socket|network|fetch failed|timed? ?out/i.test(message)) {
    return new ProviderError('network', `${subject}: could not reach Entra ID (${message.slice(0, 200)})`, { cause: error });
  }
  return new ProviderError('authentication', `${subject}: could not obtain a token (${message.slice(0, 300)})`, { cause: error });
}

/** Graph errors as ProviderErrors: permission and not-found are permanent; throttling and 5xx are retryable. */
export function translateGraphError(error: unknown, action: string): ProviderError {
  if (error instanceof ProviderError) return error;
  const graph = error as GraphErrorLike;
  const status = typeof graph.statusCode === 'number' ? graph.statusCode : undefined;
  const code = graph.code ?? undefined;
  const detail = graph.message ? `: ${graph.message}` : '';
  const upstream = { ...(status !== undefined ? { status } : {}), ...(code ? { code } : {}) };
  const retryAfterMs = parseRetryAfter(graph.headers?.get?.('retry-after'));
  const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (status === 401) {
    return new ProviderError('authentication', `${action} failed: Microsoft Graph rejected the connection's token${detail}`, { upstream, cause: error });
  }
  if (status === 403) {
    return new ProviderError(
      'permission',
      `${action} failed: the connection's app lacks permission (it needs Application.ReadWrite.OwnedBy and to be an owner of the target app, or Application.ReadWrite.All)${detail}`,
      { upstream, cause: error },
    );
  }
  if (status === 404) {
    return new ProviderError('not_found', `${action} failed: the application does not exist in the tenant (deleted, or a wrong object ID)${detail}`, {
      upstream,
      cause: error,
    });
  }
  if (status === 429) return new ProviderError('throttled', `${action} was throttled by Microsoft Graph${detail}`, { upstream, ...withRetry, cause: error });
  if (code === 'TooManyAppPasswords' || code === 'Directory_ResourceSizeExceeded') {
    return new ProviderError('limit', `${action} failed: the application cannot hold more client secrets${detail}`, { upstream, cause: error });
  }
  if (status === 409 || code === 'Directory_ConcurrencyViolation' || /concurren/i.test(graph.message ?? '')) {
    return new ProviderError('conflict', `${action} collided with another change to the same application${detail}`, { upstream, ...withRetry, cause: error });
  }
  if (status !== undefined && status >= 500) {
    return new ProviderError('network', `${action} failed: Microsoft Graph answered ${status}${detail}`, { upstream, ...withRetry, isRetryable: true, cause: error });
  }
  if (status === undefined || status === -1) {
    return new ProviderError('network', `${action} failed: could not reach Microsoft Graph${detail}`, { upstream, isRetryable: true, cause: error });
  }
  return new ProviderError('invalid', `${action} failed: Microsoft Graph answered ${status}${detail}`, { upstream, cause: error });
}
