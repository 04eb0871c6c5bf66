import type { TokenCredential } from '@azure/identity';
import { loadAzureIdentity } from './azure-libraries.js';
import { ProviderError } from '../../secret-rotations/engine/provider-error.js';
import { aadstsCode, translateTokenError } from './azure-errors.js';

export const graphScope = 'https://graph.microsoft.com/.default';

/** Decrypted connection credentials, per method. Never leave the server; never logged. */
export type AzureConnectionCredentials =
  | { method: 'client-secret'; tenantId: string; clientId: string; clientSecret: string }
  | { method: 'certificate'; tenantId: string; clientId: string; certificateBody: string; privateKey: string }
  | { method: 'oauth'; tenantId: string; refreshToken: string };

export type AzureEndpoints = {
  authorityHost: string;
  graphUrl: string;
  /** A call to Entra ID or Graph that takes longer counts as a (retryable) network failure. */
  requestTimeoutMs?: number;
};

export const defaultAzureRequestTimeoutMs = 30_000;

/** A token source for one connection: `getToken` is called for every Graph request and must be cheap. */
export type TokenSource = { getToken(): Promise<string> };

const refreshMarginMs = 5 * 60 * 1000;

/**
 * When a cached token should be replaced: five minutes before it expires, or halfway through its life if it
 * lives less than ten minutes (otherwise a short-lived token would be fetched again on every call).
 */
export function refreshAt(expiresAt: number, now = Date.now()): number {
  return expiresAt - Math.min(refreshMarginMs, Math.max(0, (expiresAt - now) / 2));
}

function identityOptions(endpoints: AzureEndpoints) {
  // The authority comes from server configuration only. Instance discovery would ask Microsoft's public
  // host about a local authority, which fails offline and is not needed for a configured authority.
  return { authorityHost: endpoints.authorityHost, disableInstanceDiscovery: true, retryOptions: { maxRetries: 2 } };
}

export async function credentialFor(credentials: AzureConnectionCredentials, endpoints: AzureEndpoints): Promise<TokenCredential> {
  if (credentials.method === 'oauth') throw new ProviderError('invalid', 'OAuth connections get their tokens through the OAuth token source');
  const { ClientCertificateCredential, ClientSecretCredential } = await loadAzureIdentity();
  if (credentials.method === 'client-secret') {
    return new ClientSecretCredential(credentials.tenantId, credentials.clientId, credentials.clientSecret, identityOptions(endpoints));
  }
  if (credentials.method === 'certificate') {
    return new ClientCertificateCredential(
      credentials.tenantId,
      credentials.clientId,
      { certificate: `${credentials.certificateBody.trim()}\n${credentials.privateKey.trim()}\n` },
      identityOptions(endpoints),
    );
  }
  throw new ProviderError('invalid', 'OAuth connections get their tokens through the OAuth token source');
}

/**
 * Tokens for a client-secret or certificate connection, reused until five minutes before they expire
 * (so many Graph calls cost one token request).
 */
export function createCredentialTokenSource(credentials: AzureConnectionCredentials, endpoints: AzureEndpoints, subject: string): TokenSource {
  let credential: Promise<TokenCredential> | undefined;
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return {
    getToken: async () => {
      if (cached && cached.refreshAt > Date.now()) return cached.token;
      pending ??= (async () => {
        try {
          credential ??= credentialFor(credentials, endpoints);
          const token = await (await credential).getToken(graphScope);
          if (!token) throw new ProviderError('authentication', `${subject}: Entra ID returned no token`);
          cached = { token: token.token, refreshAt: refreshAt(token.expiresOnTimestamp) };
          return token.token;
        } catch (error) {
          throw error instanceof ProviderError ? error : translateTokenError(error, subject);
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
  };
}

export type SecretCheck = { status: 'active' } | { status: 'not-yet-active'; code: string };

/**
 * Proves a client secret works by obtaining a token with it. A fresh credential object each time, because
 * MSAL would otherwise answer from its cache. AADSTS7000215 right after creation means "not replicated
 * yet" and is reported as such; everything else is an error.
 */
export async function checkClientSecret(
  input: { tenantId: string; clientId: string; clientSecret: string },
  endpoints: AzureEndpoints,
): Promise<SecretCheck> {
  const { ClientSecretCredential } = await loadAzureIdentity();
  const credential = new ClientSecretCredential(input.tenantId, input.clientId, input.clientSecret, identityOptions(endpoints));
  const timeoutMs = endpoints.requestTimeoutMs ?? defaultAzureRequestTimeoutMs;
  try {
    await credential.getToken(graphScope, { abortSignal: AbortSignal.timeout(timeoutMs) });
    return { status: 'active' };
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError' || (error as { name?: string }).name === 'TimeoutError') {
      throw new ProviderError('network', `Verifying the new client secret: Entra ID did not answer within ${Math.round(timeoutMs / 1000)} s`, { isRetryable: true, cause: error });
    }
    const code = aadstsCode(error instanceof Error ? error.message : String(error));
    if (code === '7000215') return { status: 'not-yet-active', code: 'AADSTS7000215' };
    throw translateTokenError(error, 'Verifying the new client secret');
  }
}
