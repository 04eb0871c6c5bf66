import diagnostics from 'node:diagnostics_channel';

type UndiciRequest = { origin?: unknown; path?: unknown };
type HeadersMessage = { request?: UndiciRequest; response?: { statusCode?: unknown } };
type ErrorMessage = { request?: UndiciRequest };

/**
 * Counts Microsoft Graph responses by status without touching the Graph module: the Graph client uses Node's
 * fetch, whose HTTP client (undici) publishes every response on a diagnostics channel. Only requests to the
 * configured Graph origin under a version path (/v1.0, /beta) count, so token requests to an authority on
 * the same origin (the emulator) do not. Returns the unsubscribe function.
 */
export function observeGraphCalls(graphUrl: string, onCall: (status: string) => void): () => void {
  const origin = new URL(graphUrl).origin;
  const isGraph = (request: UndiciRequest | undefined) =>
    request !== undefined &&
    typeof request.origin === 'string' &&
    new URL(request.origin).origin === origin &&
    typeof request.path === 'string' &&
    /^\/(v1\.0|beta)\//.test(request.path);
  const onHeaders = (message: unknown) => {
    const { request, response } = message as HeadersMessage;
    if (isGraph(request)) onCall(String(response?.statusCode ?? 'error'));
  };
  const onError = (message: unknown) => {
    if (isGraph((message as ErrorMessage).request)) onCall('error');
  };
  diagnostics.subscribe('undici:request:headers', onHeaders);
  diagnostics.subscribe('undici:request:error', onError);
  return () => {
    diagnostics.unsubscribe('undici:request:headers', onHeaders);
    diagnostics.unsubscribe('undici:request:error', onError);
  };
}
