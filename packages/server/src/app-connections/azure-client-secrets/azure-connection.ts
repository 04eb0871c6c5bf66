import type { FastifyBaseLogger } from 'fastify';
import type { Actor } from '../../auth/actor.js';
import type { Config } from '../../config.js';
import type { Keyring } from '../../crypto/keyring.js';
import { AppError, badRequest, notFound } from '../../http/errors.js';
import type { Clock } from '../../lib/clock.js';
import { ProviderError } from '../../secret-rotations/engine/provider-error.js';
import type { AppConnectionRow, AppConnectionsRepo } from '../app-connections.repo.js';
import { type AzureConnectionCredentials, type AzureEndpoints, createCredentialTokenSource, type TokenSource } from './azure-auth.js';
import { normalizeCertificateCredentials } from './azure-certificate.js';
import type { AzureCredentialsInput } from './azure-client-secrets.schemas.js';
import { openCredentials, sealCredentials } from './azure-credentials.js';
import { adviceFor } from './azure-advice.js';
import { type AzureOAuthApp, createOAuthTokenSource, type DelegatedTokens, exchangeAuthorizationCode, oauthCallbackPath } from './azure-oauth.js';
import { createGraphApi, type GraphApi } from './graph-api.js';
import type { OAuthStateCodec } from './oauth-state.js';

/** What the rotation engine gets for a connection: a Graph client whose calls share one cached token. */
export type AzureConnectionHandle = { connectionId: string; tenantId: string; graph: GraphApi; endpoints: AzureEndpoints };

/** Server configuration only: a user can never choose where Rekey sends a request (no SSRF). */
export type AzureSettings = { endpoints: AzureEndpoints; oauthApp: AzureOAuthApp | undefined };

export function requireOAuthApp(settings: AzureSettings): AzureOAuthApp {
  if (!settings.oauthApp) {
    throw badRequest(
      'Azure OAuth is not configured on this server: set REKEY_AZURE_OAUTH_CLIENT_ID, REKEY_AZURE_OAUTH_CLIENT_SECRET and REKEY_PUBLIC_URL, or use the client-secret or certificate method',
    );
  }
  return settings.oauthApp;
}

/** Credentials that just obtained a token and listed applications, with the token source that did it. */
export type ProvenCredentials = { credentials: AzureConnectionCredentials; tokens: TokenSource; delegated?: DelegatedTokens };

/** Turns a provider failure into the 400 (or 502 when Microsoft was unreachable) the caller sees. */
export function providerFailure(error: unknown, prefix: string): Error {
  if (!(error instanceof ProviderError)) return error instanceof Error ? error : new Error(String(error));
  const advice = adviceFor(error);
  const message = `${prefix}: ${error.message}.${advice ? ` ${advice}` : ''}`;
  if (error.category === 'network' || error.category === 'throttled') return new AppError('upstream', message, { isRetryable: true, cause: error });
  return new AppError('bad_request', message, { cause: error });
}

const notSaved = 'Azure rejected the connection, so nothing was saved';

/**
 * Proves new credentials the way Rekey will use them: obtain a token, then list one application through
 * Graph (which fails without an Application.* permission). Nothing is stored by this function.
 */
export async function proveCredentials(
  input: AzureCredentialsInput,
  deps: { settings: AzureSettings; oauthState: OAuthStateCodec; clock: Clock; actor: Actor },
): Promise<ProvenCredentials> {
  const { endpoints } = deps.settings;
  let proven: ProvenCredentials;
  if (input.method === 'oauth') {
    const app = requireOAuthApp(deps.settings);
    const { tenantId, code, state } = input.credentials;
    const codeVerifier = await deps.oauthState.finish(deps.actor, tenantId, state);
    const subject = `Signing in to tenant ${tenantId} with the consent you gave`;
    const delegated = await exchangeAuthorizationCode(endpoints, app, { tenantId, code, codeVerifier }, subject).catch((error: unknown) => {
      throw providerFailure(error, notSaved);
    });
    const credentials: AzureConnectionCredentials = { method: 'oauth', tenantId, refreshToken: delegated.refreshToken };
    const tokens = createOAuthTokenSource(credentials, endpoints, app, { subject, initial: delegated, onRefreshToken: async () => undefined });
    proven = { credentials, tokens, delegated };
  } else {
    const { tenantId, clientId } = input.credentials;
    const credentials: AzureConnectionCredentials =
      input.method === 'client-secret'
        ? { method: 'client-secret', tenantId, clientId, clientSecret: input.credentials.clientSecret }
        : { method: 'certificate', tenantId, clientId, ...normalizeCertificateCredentials(input.credentials, deps.clock.now()) };
    const subject = `Signing in to tenant ${tenantId} as app ${clientId}`;
    proven = { credentials, tokens: createCredentialTokenSource(credentials, endpoints, subject) };
  }
  try {
    await createGraphApi(proven.tokens, endpoints).probe();
  } catch (error) {
    throw providerFailure(error, notSaved);
  }
  return proven;
}

type CacheEntry = { orgId: string; version: number; name: string; handle: Promise<AzureConnectionHandle> };

/**
 * One token source and Graph client per connection and credential version, so every Graph call of every
 * rotation on a connection shares one token until five minutes before it expires. The row is read on
 * each resolve (cheap, and it is what makes a change on another replica visible); credentials are only
 * decrypted when the version changed.
 */
export function createAzureConnectionCache(deps: { settings: AzureSettings; repo: AppConnectionsRepo; keyring: Keyring; logger: FastifyBaseLogger }) {
  const entries = new Map<string, CacheEntry>();

  function tokenSourceFor(row: AppConnectionRow, credentials: AzureConnectionCredentials, proven?: ProvenCredentials): TokenSource {
    const subject = `Azure connection "${row.name}"`;
    if (credentials.method !== 'oauth') return proven?.tokens ?? createCredentialTokenSource(credentials, deps.settings.endpoints, subject);
    const app = requireOAuthApp(deps.settings);
    return createOAuthTokenSource(credentials, deps.settings.endpoints, app, {
      subject,
      ...(proven?.delegated ? { initial: proven.delegated } : {}),
      onRefreshToken: async (refreshToken) => {
        try {
          const sealed = await sealCredentials(deps.keyring, row.org_id, row.id, { ...credentials, refreshToken });
          await deps.repo.replaceCredentialsOfVersion(row.id, row.version, sealed);
        } catch (error) {
          // The refreshed token stays in memory and the stored one keeps working, so this is not fatal.
          deps.logger.warn({ connectionId: row.id, reason: error instanceof Error ? error.message : String(error) }, 'could not persist a refreshed OAuth token');
        }
      },
    });
  }

  function build(row: AppConnectionRow, credentials: AzureConnectionCredentials, proven?: ProvenCredentials): AzureConnectionHandle {
    const tokens = tokenSourceFor(row, credentials, proven);
    return { connectionId: row.id, tenantId: credentials.tenantId, graph: createGraphApi(tokens, deps.settings.endpoints), endpoints: deps.settings.endpoints };
  }

  function store(row: AppConnectionRow, handle: Promise<AzureConnectionHandle>): Promise<AzureConnectionHandle> {
    const entry: CacheEntry = { orgId: row.org_id, version: row.version, name: row.name, handle };
    entries.set(row.id, entry);
    handle.catch(() => {
      if (entries.get(row.id) === entry) entries.delete(row.id);
    });
    return handle;
  }

  return {
    async resolve(orgId: string, connectionId: string): Promise<AzureConnectionHandle> {
      const row = await deps.repo.findById(orgId, connectionId);
      if (!row) {
        const stale = entries.get(connectionId);
        if (stale?.orgId === orgId) entries.delete(connectionId);
        throw notFound(`Could not find App Connection with ID "${connectionId}"`);
      }
      if (row.app !== 'azure-client-secrets') throw badRequest(`App Connection with ID "${connectionId}" is not an Azure Client Secrets connection`);
      const entry = entries.get(connectionId);
      if (entry && entry.orgId === orgId && entry.version === row.version && entry.name === row.name) return entry.handle;
      return store(
        row,
        openCredentials(deps.keyring, row.org_id, row.id, row.encrypted_credentials).then((credentials) => build(row, credentials)),
      );
    },

    /** Keeps the token that validated new credentials, so the first Graph calls after a create cost nothing. */
    remember(row: AppConnectionRow, proven: ProvenCredentials): void {
      void store(row, Promise.resolve(build(row, proven.credentials, proven)));
    },

    forget(connectionId: string): void {
      entries.delete(connectionId);
    },
  };
}

export type AzureConnectionCache = ReturnType<typeof createAzureConnectionCache>;

/** Azure endpoints and Rekey's OAuth app, from server configuration (never from a request). */
export function azureSettingsFromConfig(config: Config): AzureSettings {
  const { azureOAuthClientId: clientId, azureOAuthClientSecret: clientSecret, publicUrl } = config;
  return {
    endpoints: { authorityHost: config.azureAuthorityHost, graphUrl: config.azureGraphUrl, requestTimeoutMs: config.azureRequestTimeoutMs },
    oauthApp: clientId && clientSecret && publicUrl ? { clientId, clientSecret, redirectUri: `${publicUrl}${oauthCallbackPath}` } : undefined,
  };
}
