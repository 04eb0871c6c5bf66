import { Command } from 'commander';
import { ApiError } from '../api-client.js';
import { CliError, exitCodes } from '../cli-error.js';
import { type Runtime, type ScopeOptions, authenticatedClient, resolveScope } from '../context.js';
import { hiddenValue, json, table } from '../output.js';
import { createPrompter, readAllStdin } from '../prompt.js';
import { type Secret, createSecret, deleteSecret, getSecret, listSecrets, updateSecret } from '../rekey-api.js';
import { assertEnvironmentExists } from '../secret-set.js';
import { optionsOf, withCommonOptions, withScopeOptions } from './common.js';

type ListOptions = ScopeOptions & { show?: boolean; json?: boolean };
type OutputOptions = ScopeOptions & { json?: boolean };
type SetOptions = OutputOptions & { comment?: string };

/** The JSON shape of a secret; `value` is null when it was not requested. */
function secretJson(secret: Secret, showValue: boolean) {
  return {
    key: secret.secretKey,
    value: showValue ? secret.secretValue : null,
    version: secret.version,
    comment: secret.secretComment,
    environment: secret.environment,
    path: secret.secretPath,
    type: secret.type,
    rotationId: secret.rotationId ?? null,
  };
}

async function context(options: ScopeOptions, runtime: Runtime) {
  const [api, scope] = await Promise.all([authenticatedClient(options, runtime), resolveScope(options, runtime)]);
  return { api, scope };
}

async function list(options: ListOptions, runtime: Runtime): Promise<void> {
  const { api, scope } = await context(options, runtime);
  // Without --show the server is asked not to send values at all, rather than the CLI hiding them.
  const { data } = await listSecrets(api, scope, { expandReferences: true, viewValues: options.show === true });
  if (data.secrets.length === 0) await assertEnvironmentExists(api, scope);
  const secrets = [...data.secrets].sort((a, b) => a.secretKey.localeCompare(b.secretKey));
  if (options.json) {
    runtime.out(json(secrets.map((secret) => secretJson(secret, options.show === true))));
    return;
  }
  if (secrets.length === 0) {
    runtime.err(`rekey: no secrets in environment '${scope.environment}' at path '${scope.secretPath}'\n`);
    return;
  }
  const rows = secrets.map((secret) => [
    secret.secretKey,
    options.show ? secret.secretValue : hiddenValue,
    String(secret.version),
    secret.isRotatedSecret ? 'rotation' : '',
    secret.secretComment,
  ]);
  runtime.out(table(['KEY', 'VALUE', 'VERSION', 'MANAGED BY', 'COMMENT'], rows));
}

async function get(name: string, options: OutputOptions, runtime: Runtime): Promise<void> {
  const { api, scope } = await context(options, runtime);
  const secret = await getSecret(api, scope, name, true);
  if (options.json) return runtime.out(json(secretJson(secret, true)));
  // Exactly the value when piped or redirected (`> key.pem` must not gain a byte); a line end for a terminal.
  const isTerminal = Boolean(process.stdout.isTTY) && !secret.secretValue.endsWith('\n');
  runtime.out(isTerminal ? `${secret.secretValue}\n` : secret.secretValue);
}

async function valueFor(name: string, given: string | undefined): Promise<string> {
  if (given === '-') return readAllStdin();
  if (given !== undefined) return given;
  const prompter = createPrompter();
  if (!prompter.isInteractive) {
    throw new CliError(`No value for ${name}: pass it as an argument, or '-' to read it from standard input`, { exitCode: exitCodes.usage });
  }
  return prompter.askHidden(`Value for ${name}: `);
}

/** Updates the secret, or creates it when it does not exist yet: `set` means "make it so". */
async function set(name: string, given: string | undefined, options: SetOptions, runtime: Runtime): Promise<void> {
  const value = await valueFor(name, given);
  const { api, scope } = await context(options, runtime);
  let secret: Secret;
  let isCreated = false;
  try {
    secret = await updateSecret(api, scope, name, value, options.comment);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) throw error;
    secret = await createSecret(api, scope, name, value, options.comment);
    isCreated = true;
  }
  if (options.json) runtime.out(json({ ...secretJson(secret, false), created: isCreated }));
  else runtime.out(`${isCreated ? 'Created' : 'Updated'} ${name} in ${scope.environment}:${scope.secretPath} (version ${secret.version})\n`);
}

async function remove(name: string, options: OutputOptions, runtime: Runtime): Promise<void> {
  const { api, scope } = await context(options, runtime);
  const secret = await deleteSecret(api, scope, name);
  if (options.json) runtime.out(json(secretJson(secret, false)));
  else runtime.out(`Deleted ${name} from ${scope.environment}:${scope.secretPath}\n`);
}

function leaf(name: string): Command {
  return withCommonOptions(withScopeOptions(new Command(name))).option('--json', 'print JSON instead of text');
}

export function secretsCommand(runtime: Runtime): Command {
  const secrets = new Command('secrets').description('List, read, write and delete the secrets of a folder');

  secrets.addCommand(
    leaf('list')
      .alias('ls')
      .description('List the secrets of a folder (values hidden unless --show)')
      .option('--show', 'show the values')
      .action(async (_options: ListOptions, command: Command) => list(optionsOf<ListOptions>(command), runtime)),
  );

  secrets.addCommand(
    leaf('get')
      .description("Print one secret's value: exactly, with no newline added unless stdout is a terminal (references expanded; imported folders are searched too)")
      .argument('<name>', 'secret name')
      .action(async (name: string, _options: OutputOptions, command: Command) => get(name, optionsOf<OutputOptions>(command), runtime)),
  );

  secrets.addCommand(
    leaf('set')
      .description('Create a secret, or give an existing one a new value')
      .argument('<name>', 'secret name')
      .argument('[value]', "the value; '-' reads it from standard input (exactly, newlines included); asked for when omitted")
      .option('--comment <text>', 'set the comment too')
      .addHelpText(
        'after',
        `
A value on the command line ends up in your shell history; prefer '-' or the prompt for real secrets.

Examples:
  rekey secrets set DATABASE_URL -  < database-url.txt
  printf %s "$TOKEN" | rekey secrets set API_TOKEN - --env prod`,
      )
      .action(async (name: string, value: string | undefined, _options: SetOptions, command: Command) =>
        set(name, value, optionsOf<SetOptions>(command), runtime),
      ),
  );

  secrets.addCommand(
    leaf('delete')
      .alias('rm')
      .description('Delete a secret (secrets managed by a rotation cannot be deleted)')
      .argument('<name>', 'secret name')
      .action(async (name: string, _options: OutputOptions, command: Command) => remove(name, optionsOf<OutputOptions>(command), runtime)),
  );

  return secrets;
}
