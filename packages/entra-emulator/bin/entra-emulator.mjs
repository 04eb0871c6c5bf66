#!/usr/bin/env node
import { runCli } from '../dist/cli.js';

runCli().catch((error) => {
  process.stderr.write(`entra-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
