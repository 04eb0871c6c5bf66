import type { AuthenticationResult, ConfidentialClientApplication } from '@azure/msal-node';
import { ProviderError } from '../../secret-rotations/engine/provider-error.js';
import { type AzureEndpoints, graphScope, refreshAt, type TokenSource } from './azure-auth.js';
import { translateTokenError } from './azure-errors.js';
import { loadMsal } from './azure-libraries.js';

/** Rekey's own Azure app registration, used for the OAuth (delegated consent) connection method. */
export type AzureOAuthApp = { clientId: string; clientSecret: string; redirectUri: string };

/** The dashboard page Entra ID sends the browser back to; it posts the code to the create route. */
export const oauthCallbackPath = '/organization/app-connections/azure/oauth/callback';

const oauthScopes = [graphScope, 'openid', 'profile', 'offline_access'];

export async function createConfidentialClient(endpoints: AzureEndpoints, app: AzureOAuthApp, tenantId: string): Promise<ConfidentialClientApplication> {
  const { ConfidentialClientApplication, LogLevel } = await loadMsal();
  return new ConfidentialClientApplication({
    auth: {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      authority: `${endpoints.authorityHost}/${tenantId}`,
      // The configured authority is trusted as is: instance discovery would ask Microsoft's public host
      // about it, which fails for a sovereign cloud or a local emulator and adds a request for the public one.
      knownAuthorities: [new URL(endpoints.authorityHost).host],
    },
    system: { loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => undefined } },
  });
}

export function buildAuthorizeUrl(
  endpoints: AzureEndpoints,
  app: AzureOAuthApp,
  input: { tenantId: string; state: string; codeChallenge: string },
): string {
  const url = new URL(`${endpoints.authorityHost}/${encodeURIComponent(input.tenantId)}/oauth2/v2.0/authorize`);
  url.searchParams.set('client_id', app.clientId);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('response_mode', 'query');
  url.searchParams.set('redirect_uri', app.redirectUri);
  url.searchParams.set('scope', oauthScopes.join(' '));
  url.searchParams.set('state', input.state);
  url.searchParams.set('code_challenge', input.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  return url.toString();
}

export type DelegatedTokens = { accessToken: string; expiresAt: number; refreshToken: string };

/**
 * MSAL keeps refresh tokens inside its cache and never returns them; the serialized cache is the
 * documented way to read them. Each client here serves one connection, so there is one entry.
 */
function refreshTokenInCache(client: ConfidentialClientApplication): string | undefined {
  const cache = JSON.parse(client.getTokenCache().serialize()) as { RefreshToken?: Record<string, { secret?: string }> };
  const secrets = Object.values(cache.RefreshToken ?? {}).map((entry) => entry.secret);
  return secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0).at(-1);
}

function delegatedTokens(client: ConfidentialClientApplication, result: AuthenticationResult | null, subject: string): DelegatedTokens {
  const refreshToken = refreshTokenInCache(client);
  if (!result?.accessToken || !refreshToken) {
    throw new ProviderError('authentication', `${subject}: Entra ID returned no refresh token (the consent must include offline_access)`);
  }
  const expiresAt = result.expiresOn ? result.expiresOn.getTime() : Date.now();
  return { accessToken: result.accessToken, expiresAt, refreshToken };
}

/** Redeems the authorization code the browser brought back (with the PKCE verifier bound to its state). */
export async function exchangeAuthorizationCode(
  endpoints: AzureEndpoints,
  app: AzureOAuthApp,
  input: { tenantId: string; code: string; codeVerifier: string },
  subject: string,
): Promise<DelegatedTokens> {
  const client = await createConfidentialClient(endpoints, app, input.tenantId);
  try {
    const result = await client.acquireTokenByCode({
      code: input.code,
      scopes: [graphScope],
      redirectUri: app.redirectUri,
      codeVerifier: input.codeVerifier,
    });
    return delegatedTokens(client, result, subject);
  } catch (error) {
    throw error instanceof ProviderError ? error : translateTokenError(error, subject);
  }
}

/**
 * Tokens for an OAuth connection: the access token is reused until five minutes before it expires, then
 * renewed with the refresh-token grant. Entra ID answers with a new refresh token, which is handed to
 * `onRefreshToken` so it is persisted (encrypted) and survives a restart.
 */
export function createOAuthTokenSource(
  credentials: { tenantId: string; refreshToken: string },
  endpoints: AzureEndpoints,
  app: AzureOAuthApp,
  options: { subject: string; onRefreshToken(refreshToken: string): Promise<void>; initial?: DelegatedTokens },
): TokenSource {
  let client: Promise<ConfidentialClientApplication> | undefined;
  let refreshToken = options.initial?.refreshToken ?? credentials.refreshToken;
  let cached = options.initial ? { token: options.initial.accessToken, refreshAt: refreshAt(options.initial.expiresAt) } : undefined;
  let pending: Promise<string> | undefined;
  return {
    getToken: async () => {
      if (cached && cached.refreshAt > Date.now()) return cached.token;
      pending ??= (async () => {
        try {
          client ??= createConfidentialClient(endpoints, app, credentials.tenantId);
          const msal = await client;
          const result = await msal.acquireTokenByRefreshToken({ refreshToken, scopes: [graphScope], forceCache: true });
          const tokens = delegatedTokens(msal, result, options.subject);
          cached = { token: tokens.accessToken, refreshAt: refreshAt(tokens.expiresAt) };
          if (tokens.refreshToken !== refreshToken) {
            refreshToken = tokens.refreshToken;
            await options.onRefreshToken(tokens.refreshToken);
          }
          return tokens.accessToken;
        } catch (error) {
          throw error instanceof ProviderError ? error : translateTokenError(error, options.subject);
        } finally {
          pending = undefined;
        }
      })();
      return pending;
    },
  };
}
