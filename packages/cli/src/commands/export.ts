import { promises as fs } from 'node:fs';
import { Command } from 'commander';
import { CliError, errorMessage } from '../cli-error.js';
import { type Runtime, type ScopeOptions, authenticatedClient, resolveScope } from '../context.js';
import { exportFormats, parseExportFormat, renderExport } from '../export-formats.js';
import { loadSecretSet } from '../secret-set.js';
import { optionsOf, withCommonOptions, withScopeOptions } from './common.js';

type ExportOptions = ScopeOptions & { format: string; output?: string };

async function exportSecrets(options: ExportOptions, runtime: Runtime): Promise<void> {
  const format = parseExportFormat(options.format);
  const [api, scope] = await Promise.all([authenticatedClient(options, runtime), resolveScope(options, runtime)]);
  const { values } = await loadSecretSet(api, scope);
  const text = await renderExport(values, format);
  if (!options.output) {
    runtime.out(text);
    return;
  }
  try {
    // The file holds secrets: readable by its owner only, whatever the umask.
    await fs.writeFile(options.output, text, { mode: 0o600 });
    await fs.chmod(options.output, 0o600);
  } catch (error) {
    throw new CliError(`Cannot write ${options.output}: ${errorMessage(error)}`);
  }
  runtime.err(`rekey: wrote ${values.size} secret(s) to ${options.output}\n`);
}

export function exportCommand(runtime: Runtime): Command {
  return withCommonOptions(withScopeOptions(new Command('export')))
    .description('Print the secrets of a folder as dotenv, JSON or YAML')
    .option('--format <format>', `output format: ${exportFormats.join(', ')}`, 'dotenv')
    .option('-o, --output <file>', 'write to this file (mode 0600) instead of standard output')
    .addHelpText(
      'after',
      `
The same secrets \`rekey run\` injects: the folder's own, those of folders it imports, references expanded.
dotenv output is quoted so that dotenv parsers read back the exact value, including line breaks, quotes,
# and =; a value no dotenv quoting can hold is refused with a hint to use json or yaml.

Examples:
  rekey export > .env
  rekey export --env prod --format json -o secrets.json`,
    )
    .action(async (_options: ExportOptions, command: Command) => exportSecrets(optionsOf<ExportOptions>(command), runtime));
}
