import { Command } from 'commander';
import { createApiClient } from '../api-client.js';
import { refreshCookieName } from '../auth.js';
import { errorMessage } from '../cli-error.js';
import type { StoredCredential } from '../config-store.js';
import { type CommonOptions, type Runtime, debugLogger, resolveApiUrl } from '../context.js';
import { optionsOf, withCommonOptions } from './common.js';

type LogoutOptions = CommonOptions & { all?: boolean };

/**
 * Ends the session on the server too (user sessions are revoked, machine tokens revoked), so a copied
 * credentials file is useless afterwards. Best effort: an unreachable server must not block a local logout.
 */
async function revokeOnServer(apiUrl: string, credential: StoredCredential, options: LogoutOptions, runtime: Runtime): Promise<void> {
  const debug = debugLogger(options, runtime);
  const api = createApiClient({ baseUrl: apiUrl, debug, timeoutMs: 5000 });
  try {
    if (credential.kind === 'user') {
      await api.request('POST', '/api/v1/auth/logout', {
        headers: {
          authorization: `Bearer ${credential.accessToken}`,
          ...(credential.refreshToken ? { cookie: `${refreshCookieName}=${credential.refreshToken}` } : {}),
        },
        isAuthenticated: false,
      });
    } else {
      await api.request('POST', '/api/v1/auth/token/revoke', { body: { accessToken: credential.accessToken }, isAuthenticated: false });
    }
  } catch (error) {
    debug?.(`could not revoke the session on ${apiUrl}: ${errorMessage(error)}`);
  }
}

async function logout(options: LogoutOptions, runtime: Runtime): Promise<void> {
  const apiUrls = options.all ? Object.keys((await runtime.store.read()).servers) : [await resolveApiUrl(options, runtime)];
  if (options.all && apiUrls.length === 0) {
    runtime.out('Not logged in to any server\n');
    return;
  }
  for (const apiUrl of apiUrls) {
    const credential = await runtime.store.get(apiUrl);
    if (!credential) {
      runtime.out(`Not logged in to ${apiUrl}\n`);
      continue;
    }
    await revokeOnServer(apiUrl, credential, options, runtime);
    await runtime.store.remove(apiUrl);
    runtime.out(`Logged out of ${apiUrl}\n`);
  }
}

export function logoutCommand(runtime: Runtime): Command {
  return withCommonOptions(new Command('logout'))
    .description('Sign out: revoke the session on the server and delete the saved credentials')
    .option('--all', 'sign out of every server you are logged in to')
    .action(async (_options: LogoutOptions, command: Command) => logout(optionsOf<LogoutOptions>(command), runtime));
}
