import { Command } from 'commander';
import { buildChildEnv } from '../child-env.js';
import { type Runtime, type ScopeOptions, authenticatedClient, resolveScope } from '../context.js';
import { type ChildSpec, exitLike, supervise } from '../runner.js';
import { loadSecretSet } from '../secret-set.js';
import { watchSecrets } from '../watch.js';
import { optionsOf, parseSeconds, withCommonOptions, withScopeOptions } from './common.js';

type RunOptions = ScopeOptions & { override: boolean; watch?: boolean; watchInterval: number; gracePeriod: number };

async function run(command: string, args: string[], options: RunOptions, runtime: Runtime): Promise<void> {
  const [api, scope] = await Promise.all([authenticatedClient(options, runtime), resolveScope(options, runtime)]);
  const log = (line: string) => runtime.err(`rekey: ${line}\n`);
  const initial = await loadSecretSet(api, scope);

  const specFor = (values: Map<string, string>) => {
    const childEnv = buildChildEnv(runtime.env, values, options.override);
    const spec: ChildSpec = { command, args, env: childEnv.env };
    return { spec, childEnv };
  };
  const first = specFor(initial.values);
  if (first.childEnv.skipped.length > 0) {
    log(`warning: not injected (a name with '=' or a NUL byte cannot be an environment variable): ${first.childEnv.skipped.join(', ')}`);
  }

  const supervisor = await supervise(first.spec, { graceMs: options.gracePeriod * 1000, isInteractive: Boolean(process.stdin.isTTY) });
  if (options.watch) {
    log(`watching ${first.childEnv.injected.size} secret(s) in ${scope.environment}:${scope.secretPath}, checking every ${options.watchInterval} s`);
    void watchSecrets({
      api,
      scope,
      supervisor,
      initial,
      initialEnv: first.childEnv,
      specFor,
      intervalMs: options.watchInterval * 1000,
      log,
    });
  }
  exitLike(await supervisor.finished);
}

export function runCommand(runtime: Runtime): Command {
  return withCommonOptions(withScopeOptions(new Command('run')))
    .description('Run a command with the secrets as environment variables')
    .argument('<command>', 'the program to run')
    .argument('[args...]', 'its arguments')
    .option('--no-override', 'keep variables that are already set in the environment instead of replacing them with secrets')
    .option('--watch', 'restart the command when a secret it received changes (for example after a rotation)')
    .option('--watch-interval <seconds>', 'how often --watch checks for changes', parseSeconds, 10)
    .option('--grace-period <seconds>', 'how long a restart waits after SIGTERM before SIGKILL', parseSeconds, 10)
    // Everything after the command belongs to it: `rekey run node -e ...` must not read -e as ours.
    .passThroughOptions()
    .addHelpText(
      'after',
      `
The command gets this process's environment plus the secrets of the folder (including secrets of folders
it imports, with references expanded). Secrets replace variables of the same name unless --no-override.

The command's exit code is rekey's exit code; if it is killed by a signal, rekey ends with the same signal.
SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2 sent to rekey are passed on to the command.

With --watch, rekey checks for new secret versions every --watch-interval seconds (one request, values not
sent). When a secret the command received has changed, it stops the command (SIGTERM, then SIGKILL after
--grace-period) and starts it again with the new values, so a rotated credential reaches a long-running
process without a deploy. If the command exits on its own, rekey exits with it.

Examples:
  rekey run -- npm start
  rekey run --env prod --path /api -- node server.js
  rekey run --watch --watch-interval 30 -- ./worker`,
    )
    .action(async (command: string, args: string[], _options: RunOptions, self: Command) => run(command, args, optionsOf<RunOptions>(self), runtime));
}
