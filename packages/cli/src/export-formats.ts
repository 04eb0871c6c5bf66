import { CliError } from './cli-error.js';
import { formatDotenv } from './dotenv.js';

export const exportFormats = ['dotenv', 'json', 'yaml'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export function parseExportFormat(raw: string): ExportFormat {
  const found = exportFormats.find((format) => format === raw.toLowerCase());
  if (!found) throw new CliError(`Unknown format '${raw}': use one of ${exportFormats.join(', ')}`, { exitCode: 2 });
  return found;
}

/** A plain object in key order; a null prototype so a secret named __proto__ is just a key. */
function sortedObject(values: ReadonlyMap<string, string>): Record<string, string> {
  const result: Record<string, string> = Object.create(null);
  for (const key of [...values.keys()].sort()) result[key] = values.get(key) ?? '';
  return result;
}

export async function renderExport(values: ReadonlyMap<string, string>, format: ExportFormat): Promise<string> {
  switch (format) {
    case 'dotenv':
      return formatDotenv(values);
    case 'json':
      return `${JSON.stringify(sortedObject(values), null, 2)}\n`;
    case 'yaml': {
      // Loaded on demand: the library takes longer to import than the rest of the CLI, and `rekey run` starts
      // on every deploy. Strings stay strings: it quotes values such as `true`, `0123` or `null` itself.
      const { stringify } = await import('yaml');
      return values.size === 0 ? '{}\n' : stringify(sortedObject(values), { lineWidth: 0 });
    }
  }
}
