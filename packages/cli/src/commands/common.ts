import { type Command, InvalidArgumentError } from 'commander';

/**
 * --api-url and --debug are accepted both before the command (`rekey --debug secrets list`) and after it
 * (`rekey secrets list --debug`): the program declares them and so does every command.
 */
export function withCommonOptions(command: Command): Command {
  return command
    .option('--api-url <url>', 'Rekey server address (env REKEY_API_URL; default: the server of your last `rekey login`, else http://localhost:8080)')
    .option('--debug', 'print every request with its status and request id to stderr');
}

export function withProjectOption(command: Command): Command {
  return command.option('--project <id>', 'project id or slug (env REKEY_PROJECT_ID; default: projectId in .rekey.json)');
}

export function withScopeOptions(command: Command): Command {
  return withProjectOption(command)
    .option('--env <slug>', 'environment slug (env REKEY_ENVIRONMENT; default: .rekey.json, else dev)')
    .option('--path <path>', 'folder path (env REKEY_SECRET_PATH; default: .rekey.json, else /)');
}

/**
 * The options of a command merged with those of its parents, the command's own winning. Commander's
 * optsWithGlobals lets the parent win, which would make `rekey --env a run --env b` use `a`.
 */
export function optionsOf<T>(command: Command): T {
  const chain: Command[] = [];
  for (let current: Command | null = command; current; current = current.parent) chain.unshift(current);
  const merged: Record<string, unknown> = {};
  for (const link of chain) {
    for (const [key, value] of Object.entries(link.opts())) {
      if (value !== undefined) merged[key] = value;
    }
  }
  return merged as T;
}

/** For numeric options: a positive number of seconds, fractions allowed (tests poll every 0.5 s). */
export function parseSeconds(raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new InvalidArgumentError('must be a positive number of seconds');
  return value;
}

/** A whole number from 1 to `max`; checked here so the user gets a usage error, not a server 400. */
export function positiveIntegerUpTo(max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value <= 0 || value > max) throw new InvalidArgumentError(`must be a whole number from 1 to ${max}`);
    return value;
  };
}
