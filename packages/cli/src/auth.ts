import { ApiError, type ApiClient, type TokenSource, createApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import type { CredentialStore, MachineCredential, StoredCredential, UserCredential } from './config-store.js';
import { type AccessToken, universalAuthLogin } from './rekey-api.js';

/** Tokens are renewed this long before they expire, so a request never races the expiry. */
const expirySkewMs = 60_000;

export const refreshCookieName = 'rekey_refresh';

export function expiresAt(expiresInSeconds: number, now = Date.now()): string {
  return new Date(now + expiresInSeconds * 1000).toISOString();
}

function isFresh(expiresAtIso: string): boolean {
  return Date.parse(expiresAtIso) - expirySkewMs > Date.now();
}

/** The refresh token arrives as a cookie; the CLI keeps its value and sends it back the same way. */
export function refreshTokenFrom(headers: Headers): string | null {
  for (const cookie of headers.getSetCookie()) {
    const [pair] = cookie.split(';');
    const separator = pair?.indexOf('=') ?? -1;
    if (pair && separator > 0 && pair.slice(0, separator).trim() === refreshCookieName) {
      const value = pair.slice(separator + 1).trim();
      return value === '' ? null : value;
    }
  }
  return null;
}

type AuthEnv = { REKEY_TOKEN?: string | undefined; REKEY_CLIENT_ID?: string | undefined; REKEY_CLIENT_SECRET?: string | undefined };

function staticToken(token: string): TokenSource {
  return { token: async () => token, refresh: async () => undefined, hint: 'check the REKEY_TOKEN environment variable' };
}

/** Universal Auth from REKEY_CLIENT_ID / REKEY_CLIENT_SECRET: logs in lazily, keeps the token in memory only. */
function environmentMachine(publicApi: ApiClient, clientId: string, clientSecret: string): TokenSource {
  let current: { token: string; expiresAt: string } | undefined;
  async function login(): Promise<string> {
    const { data } = await loginOrExplain(publicApi, clientId, clientSecret, 'check REKEY_CLIENT_ID and REKEY_CLIENT_SECRET');
    current = { token: data.accessToken, expiresAt: expiresAt(data.expiresIn) };
    return data.accessToken;
  }
  return {
    token: async () => (current && isFresh(current.expiresAt) ? current.token : login()),
    refresh: login,
    hint: 'check REKEY_CLIENT_ID and REKEY_CLIENT_SECRET',
  };
}

async function loginOrExplain(publicApi: ApiClient, clientId: string, clientSecret: string, hint: string) {
  try {
    return await universalAuthLogin(publicApi, clientId, clientSecret);
  } catch (error) {
    if (error instanceof ApiError && (error.status === 401 || error.status === 400)) {
      throw new CliError(`Universal Auth login failed: ${error.message}; ${hint}`, { detail: requestIdDetail(error) });
    }
    throw error;
  }
}

function requestIdDetail(error: ApiError): string | undefined {
  return error.requestId ? `request id ${error.requestId}` : undefined;
}

/** Stored credentials: renews the access token when it is due and writes the result back. */
function storedCredential(publicApi: ApiClient, store: CredentialStore, apiUrl: string, initial: StoredCredential): TokenSource {
  let credential = initial;
  const hint = 'run `rekey login`';

  async function renewMachine(machine: MachineCredential): Promise<string> {
    const { data } = await loginOrExplain(publicApi, machine.clientId, machine.clientSecret, hint);
    return persist({ ...machine, accessToken: data.accessToken, accessTokenExpiresAt: expiresAt(data.expiresIn) });
  }

  /**
   * Refresh tokens are single-use and shared by every rekey process of this user, so the renewal runs under a
   * lock and starts from the file: another process may already have renewed (then its token is used) or
   * have rotated the refresh token (then ours is spent, and presenting it would revoke the session).
   */
  async function renewUser(mine: UserCredential): Promise<string> {
    return store.whileRenewing(async () => {
      const stored = await store.get(apiUrl);
      const latest = stored?.kind === 'user' && stored.email === mine.email ? stored : mine;
      if (latest.accessToken !== mine.accessToken && isFresh(latest.accessTokenExpiresAt)) {
        credential = latest;
        return latest.accessToken;
      }
      if (!latest.refreshToken) throw new CliError(`Your session on ${apiUrl} has expired; ${hint}`);
      try {
        const response = await publicApi.request<AccessToken>('POST', '/api/v1/auth/token', {
          headers: { cookie: `${refreshCookieName}=${latest.refreshToken}` },
          isAuthenticated: false,
        });
        // The server rotates the refresh token on every use; keeping the old one would end the session.
        const refreshToken = refreshTokenFrom(response.headers) ?? latest.refreshToken;
        return persist({ ...latest, accessToken: response.data.accessToken, accessTokenExpiresAt: expiresAt(response.data.expiresIn), refreshToken });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) {
          throw new CliError(`Your session on ${apiUrl} has expired or was signed out; ${hint}`, { detail: requestIdDetail(error) });
        }
        throw error;
      }
    });
  }

  async function persist(next: StoredCredential): Promise<string> {
    credential = next;
    await store.save(apiUrl, next);
    return next.accessToken;
  }

  const renew = () => (credential.kind === 'user' ? renewUser(credential) : renewMachine(credential));
  return {
    token: async () => (isFresh(credential.accessTokenExpiresAt) ? credential.accessToken : renew()),
    refresh: renew,
    hint,
  };
}

/**
 * Where the token comes from, first match wins: REKEY_TOKEN, then REKEY_CLIENT_ID + REKEY_CLIENT_SECRET
 * (CI), then what `rekey login` stored for this server.
 */
export async function resolveTokenSource(options: {
  apiUrl: string;
  env: AuthEnv;
  store: CredentialStore;
  debug?: ((line: string) => void) | undefined;
}): Promise<TokenSource> {
  const { apiUrl, env, store } = options;
  const publicApi = createApiClient({ baseUrl: apiUrl, debug: options.debug });
  if (env.REKEY_TOKEN) return staticToken(env.REKEY_TOKEN);
  if (env.REKEY_CLIENT_ID || env.REKEY_CLIENT_SECRET) {
    if (!env.REKEY_CLIENT_ID || !env.REKEY_CLIENT_SECRET) {
      throw new CliError('Set both REKEY_CLIENT_ID and REKEY_CLIENT_SECRET (Universal Auth), or neither');
    }
    return environmentMachine(publicApi, env.REKEY_CLIENT_ID, env.REKEY_CLIENT_SECRET);
  }
  const stored = await store.get(apiUrl);
  if (!stored) {
    throw new CliError(`Not logged in to ${apiUrl}: run \`rekey login\`, or set REKEY_TOKEN or REKEY_CLIENT_ID and REKEY_CLIENT_SECRET`);
  }
  return storedCredential(publicApi, store, apiUrl, stored);
}
