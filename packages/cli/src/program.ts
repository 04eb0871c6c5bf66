import { Command } from 'commander';
import { exportCommand } from './commands/export.js';
import { initCommand } from './commands/init.js';
import { loginCommand } from './commands/login.js';
import { logoutCommand } from './commands/logout.js';
import { rotationsCommand } from './commands/rotations.js';
import { runCommand } from './commands/run.js';
import { secretsCommand } from './commands/secrets.js';
import { withCommonOptions } from './commands/common.js';
import type { Runtime } from './context.js';

export const version = '0.1.0';

export function buildProgram(runtime: Runtime): Command {
  const program = withCommonOptions(new Command('rekey'))
    .description('Rekey command-line interface: inject secrets into programs, export them, and manage rotations')
    .version(version, '-v, --version', 'print the version')
    // Options after a command's first argument belong to that command, so `rekey run node -e ...` passes -e on.
    .enablePositionalOptions()
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .addHelpText(
      'after',
      `
Getting started:
  rekey login --api-url https://rekey.example.com   sign in (email + password, or --client-id for a machine identity)
  rekey init                                        link this directory to a project (.rekey.json)
  rekey run -- npm start                            run a program with the secrets as environment variables

Environment variables:
  REKEY_API_URL                          server address (like --api-url)
  REKEY_TOKEN                            an access token to use instead of the saved login
  REKEY_CLIENT_ID, REKEY_CLIENT_SECRET   Universal Auth credentials to use instead of the saved login (CI)
  REKEY_PROJECT_ID, REKEY_ENVIRONMENT, REKEY_SECRET_PATH   like --project, --env and --path
  XDG_CONFIG_HOME                        where credentials are saved (default ~/.config; file rekey/credentials.json)

Exit codes: 0 success, 1 failure (one line on stderr says why), 2 usage error; \`rekey run\` exits with the
command's own code. Add --debug to see each request and the request id the server logged it under.

Run \`rekey <command> --help\` for the options of a command.`,
    );

  for (const command of [
    loginCommand(runtime),
    logoutCommand(runtime),
    initCommand(runtime),
    secretsCommand(runtime),
    runCommand(runtime),
    exportCommand(runtime),
    rotationsCommand(runtime),
  ]) {
    program.addCommand(command);
  }
  // addCommand does not copy settings onto commands built elsewhere; every level must throw, not exit.
  const applyExitOverride = (command: Command) => {
    command.exitOverride();
    command.showHelpAfterError('(add --help for usage)');
    command.commands.forEach(applyExitOverride);
  };
  program.commands.forEach(applyExitOverride);
  return program;
}
