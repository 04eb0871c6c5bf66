import { Command } from 'commander';
import { ApiError, createApiClient } from '../api-client.js';
import { expiresAt, refreshTokenFrom } from '../auth.js';
import { CliError, exitCodes } from '../cli-error.js';
import { type CommonOptions, type Runtime, debugLogger, resolveApiUrl } from '../context.js';
import { createPrompter } from '../prompt.js';
import { universalAuthLogin, userLogin } from '../rekey-api.js';
import { optionsOf, withCommonOptions } from './common.js';

type LoginOptions = CommonOptions & { email?: string; clientId?: string; clientSecret?: string };

/** A rejected login is not "run rekey login" material: say that the credentials were wrong. */
function loginFailed(error: unknown): never {
  if (error instanceof ApiError && (error.status === 400 || error.status === 401 || error.status === 403 || error.status === 429)) {
    throw new CliError(`Login failed: ${error.message}`, error.requestId ? { detail: `request id ${error.requestId}` } : {});
  }
  throw error;
}

async function login(options: LoginOptions, runtime: Runtime): Promise<void> {
  const apiUrl = await resolveApiUrl(options, runtime);
  const api = createApiClient({ baseUrl: apiUrl, debug: debugLogger(options, runtime) });
  const prompter = createPrompter();
  if (options.clientSecret && !options.clientId) {
    throw new CliError('--client-secret needs --client-id', { exitCode: exitCodes.usage });
  }
  const clientId = options.clientId ?? (options.email ? undefined : runtime.env.REKEY_CLIENT_ID);

  if (clientId) {
    const clientSecret = options.clientSecret ?? runtime.env.REKEY_CLIENT_SECRET ?? (await prompter.askHidden('Client secret: '));
    if (!clientSecret) throw new CliError('A client secret is required for Universal Auth');
    const { data } = await universalAuthLogin(api, clientId, clientSecret).catch(loginFailed);
    await runtime.store.save(
      apiUrl,
      { kind: 'universal-auth', clientId, clientSecret, accessToken: data.accessToken, accessTokenExpiresAt: expiresAt(data.expiresIn) },
      { makeDefault: true },
    );
    runtime.out(`Logged in to ${apiUrl} as machine identity ${clientId} (Universal Auth)\n`);
  } else {
    const email = options.email ?? (await prompter.ask('Email: ')).trim();
    if (!email) throw new CliError('An email address is required (or use --client-id for a machine identity)');
    const password = await prompter.askHidden('Password: ');
    const response = await userLogin(api, email, password).catch(loginFailed);
    const { data } = response;
    await runtime.store.save(
      apiUrl,
      {
        kind: 'user',
        email: data.user.email,
        organizationId: data.organizationId,
        accessToken: data.accessToken,
        accessTokenExpiresAt: expiresAt(data.expiresIn),
        refreshToken: refreshTokenFrom(response.headers),
      },
      { makeDefault: true },
    );
    runtime.out(`Logged in to ${apiUrl} as ${data.user.email} (organization ${data.organization.name})\n`);
  }
  runtime.err(`rekey: credentials saved to ${runtime.store.path}\n`);
  if (runtime.env.REKEY_TOKEN || runtime.env.REKEY_CLIENT_ID) {
    runtime.err('rekey: note: REKEY_TOKEN / REKEY_CLIENT_ID are set in this shell and take precedence over the saved login\n');
  }
}

export function loginCommand(runtime: Runtime): Command {
  return withCommonOptions(new Command('login'))
    .description('Sign in and save the credentials for later commands')
    .option('--email <email>', 'sign in as a user with this email (the password is asked for without echo)')
    .option('--client-id <id>', 'sign in as a machine identity with Universal Auth (env REKEY_CLIENT_ID)')
    .option('--client-secret <secret>', 'the Universal Auth client secret (env REKEY_CLIENT_SECRET; asked for when missing)')
    .addHelpText(
      'after',
      `
Without options you are asked for email and password. Answers can also be piped in, one per line.
Credentials are saved per server in $XDG_CONFIG_HOME/rekey/credentials.json (default ~/.config/rekey),
readable only by you (mode 0600). Commands use them for the server named by --api-url / REKEY_API_URL,
or for the server you logged in to last.

In CI, skip login: set REKEY_TOKEN, or REKEY_CLIENT_ID and REKEY_CLIENT_SECRET.

Examples:
  rekey login --api-url https://rekey.example.com
  rekey login --client-id 6f1c... --client-secret "$SECRET"`,
    )
    .action(async (_options: LoginOptions, command: Command) => login(optionsOf<LoginOptions>(command), runtime));
}
