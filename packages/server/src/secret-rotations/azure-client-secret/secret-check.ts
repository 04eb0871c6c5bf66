import { type AzureEndpoints, defaultAzureRequestTimeoutMs, graphScope } from '../../app-connections/azure-client-secrets/azure-auth.js';
import { aadstsCode, translateTokenError } from '../../app-connections/azure-client-secrets/azure-errors.js';
import { loadMsal } from '../../app-connections/azure-client-secrets/azure-libraries.js';
import { ProviderError } from '../engine/provider-error.js';

export type SecretCheck = { status: 'active' } | { status: 'not-yet-active'; code: string };

/** The discovery document of an authority does not change; MSAL itself keeps it for a day. */
const metadataTtlMs = 24 * 60 * 60_000;
const metadataByAuthority = new Map<string, { document: Promise<string>; expiresAt: number }>();

function withTimeout<T>(work: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(
      () => reject(new ProviderError('network', `${what}: Entra ID did not answer within ${Math.round(timeoutMs / 1000)} s`, { isRetryable: true })),
      timeoutMs,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

async function fetchMetadata(authority: string, timeoutMs: number): Promise<string> {
  const url = `${authority}/v2.0/.well-known/openid-configuration`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    throw new ProviderError('network', `Verifying the new client secret: could not reach Entra ID (${error instanceof Error ? error.message : String(error)})`, {
      isRetryable: true,
      cause: error,
    });
  }
  const text = await response.text();
  if (response.status >= 500 || response.status === 429) {
    throw new ProviderError('network', `Verifying the new client secret: Entra ID answered ${response.status} to the discovery request`, { isRetryable: true });
  }
  if (!response.ok) {
    // An unknown tenant answers with an AADSTS error (90002), which names the cause.
    let body: { error?: string; error_description?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // Not JSON: the status alone says what happened.
    }
    throw translateTokenError(new Error(`${body.error ?? response.status}: ${body.error_description ?? ''}`), 'Verifying the new client secret');
  }
  return text;
}

/**
 * The authority's OpenID discovery document, fetched once per authority. MSAL fetches it for every new
 * client object (it has Microsoft's public cloud built in, but not a configured authority host), and a
 * fresh client object per check is what keeps its token cache from answering.
 */
function authorityMetadata(authority: string, timeoutMs: number): Promise<string> {
  const cached = metadataByAuthority.get(authority);
  if (cached && cached.expiresAt > Date.now()) return cached.document;
  const entry = { document: fetchMetadata(authority, timeoutMs), expiresAt: Date.now() + metadataTtlMs };
  metadataByAuthority.set(authority, entry);
  entry.document.catch(() => {
    if (metadataByAuthority.get(authority) === entry) metadataByAuthority.delete(authority);
  });
  return entry.document;
}

/**
 * Proves a new client secret works by obtaining a token with it: one token request, nothing cached.
 * AADSTS7000215 right after creation means "not replicated yet" and is reported as such; everything else
 * is an error.
 */
export async function checkNewClientSecret(
  input: { tenantId: string; clientId: string; clientSecret: string },
  endpoints: AzureEndpoints,
): Promise<SecretCheck> {
  const timeoutMs = endpoints.requestTimeoutMs ?? defaultAzureRequestTimeoutMs;
  const authority = `${endpoints.authorityHost.replace(/\/+$/, '')}/${input.tenantId}`;
  const metadata = await authorityMetadata(authority, timeoutMs);
  const { ConfidentialClientApplication, LogLevel } = await loadMsal();
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: input.clientId,
      clientSecret: input.clientSecret,
      authority,
      // The configured authority is trusted as is (no instance discovery), as for the connection's tokens.
      knownAuthorities: [new URL(endpoints.authorityHost).host],
      authorityMetadata: metadata,
    },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  });
  try {
    await withTimeout(client.acquireTokenByClientCredential({ scopes: [graphScope], skipCache: true }), timeoutMs, 'Verifying the new client secret');
    return { status: 'active' };
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    const code = aadstsCode(error instanceof Error ? error.message : String(error));
    if (code === '7000215') return { status: 'not-yet-active', code: 'AADSTS7000215' };
    throw translateTokenError(error, 'Verifying the new client secret');
  }
}
