import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readSeedFile } from './seed-file.js';
import { startEmulator } from './server.js';
import type { EmulatorOptions } from './types.js';

const USAGE = `Usage: entra-emulator [--port 0] [--seed seed.json] [--ca-dir DIR] [--realism instant|realistic]
                      [--latency-ms N] [--http-port N] [--token-lifetime-seconds N]

Prints one JSON line {"origin", "caCertPath", "tenants"} and serves until SIGINT/SIGTERM.
Run Microsoft's client libraries with NODE_EXTRA_CA_CERTS=<caCertPath>.`;

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`--${name} must be a non-negative integer`);
  return parsed;
}

/** Entry point of `bin/entra-emulator.mjs`; returns when the emulator has been closed by a signal. */
export async function runCli(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      seed: { type: 'string' },
      'ca-dir': { type: 'string' },
      realism: { type: 'string' },
      'latency-ms': { type: 'string' },
      'http-port': { type: 'string' },
      'token-lifetime-seconds': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const realism = values.realism;
  if (realism !== undefined && realism !== 'instant' && realism !== 'realistic') throw new Error('--realism must be instant or realistic');
  // A persistent default CA directory keeps NODE_EXTRA_CA_CERTS valid across runs.
  const caDir = values['ca-dir'] ?? path.join(os.tmpdir(), 'entra-emulator', 'ca');
  const options: EmulatorOptions = { port: integer(values.port, 'port') ?? 0, caDir };
  if (values.seed !== undefined) options.seed = await readSeedFile(values.seed);
  if (realism !== undefined) options.realism = realism;
  const latency = integer(values['latency-ms'], 'latency-ms');
  if (latency !== undefined) options.latencyMs = latency;
  const httpPort = integer(values['http-port'], 'http-port');
  if (httpPort !== undefined) options.httpPort = httpPort;
  const lifetime = integer(values['token-lifetime-seconds'], 'token-lifetime-seconds');
  if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime;

  const emulator = await startEmulator(options);
  const tenants = emulator.admin.snapshot().map((tenant) => ({
    id: tenant.id,
    domains: tenant.domains,
    applications: tenant.applications.map((app) => ({ displayName: app.displayName, appId: app.appId, id: app.id })),
  }));
  process.stdout.write(
    `${JSON.stringify({ origin: emulator.origin, ...(emulator.httpOrigin ? { httpOrigin: emulator.httpOrigin } : {}), caCertPath: emulator.caCertPath, tenants })}\n`,
  );
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      emulator.close().then(resolve, resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
