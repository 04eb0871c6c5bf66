#!/usr/bin/env node
import { processRuntime } from './context.js';
import { buildProgram } from './program.js';
import { commanderExitCode, describeError, isCommanderError } from './report.js';

const runtime = processRuntime();
// Read from argv rather than parsed options: the error may come from parsing itself.
const isDebug = process.argv.includes('--debug');

try {
  await buildProgram(runtime).parseAsync(process.argv);
} catch (error) {
  if (isCommanderError(error)) {
    process.exitCode = commanderExitCode(error);
  } else {
    const { line, exitCode, detail } = describeError(error, isDebug);
    runtime.err(`rekey: ${line}\n`);
    if (isDebug && detail) runtime.err(`rekey: debug: ${detail}\n`);
    process.exitCode = exitCode;
  }
}
