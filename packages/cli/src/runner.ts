import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError, exitCodes } from './cli-error.js';

export type ExitStatus = { code: number | null; signal: NodeJS.Signals | null };
export type ChildSpec = { command: string; args: string[]; env: NodeJS.ProcessEnv };

export type RunningChild = {
  readonly pid: number | undefined;
  readonly exited: Promise<ExitStatus>;
  hasExited(): boolean;
  kill(signal: NodeJS.Signals): void;
};

/** ENOENT and EACCES get the exit codes a shell would use, so `rekey run` is a drop-in prefix. */
function spawnError(command: string, error: NodeJS.ErrnoException): CliError {
  if (error.code === 'ENOENT') return new CliError(`Command not found: ${command}`, { exitCode: exitCodes.notFound });
  if (error.code === 'EACCES') return new CliError(`Permission denied: cannot execute ${command}`, { exitCode: exitCodes.cannotExecute });
  return new CliError(`Cannot start ${command}: ${error.message}`, { exitCode: exitCodes.cannotExecute });
}

function wrap(child: ChildProcess): RunningChild {
  let status: ExitStatus | undefined;
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  // After a successful spawn, 'error' only reports a failed kill (the process is already gone): nothing to do.
  child.on('error', () => {});
  return {
    pid: child.pid,
    exited,
    hasExited: () => status !== undefined,
    kill(signal) {
      if (status === undefined) child.kill(signal);
    },
  };
}

/** Starts the command with the terminal passed straight through; resolves once the OS has started it. */
export function startChild(spec: ChildSpec): Promise<RunningChild> {
  return new Promise((resolve, reject) => {
    const child = spawn(spec.command, spec.args, { env: spec.env, stdio: 'inherit' });
    child.once('error', (error) => reject(spawnError(spec.command, error)));
    child.once('spawn', () => resolve(wrap(child)));
  });
}

/** SIGTERM, then `graceMs` for the program to finish what it is doing, then SIGKILL. */
export async function stopChild(child: RunningChild, graceMs: number): Promise<ExitStatus> {
  if (child.hasExited()) return child.exited;
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  const first = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  child.kill('SIGKILL');
  return child.exited;
}

/** The shell's convention: the exit code, or 128 + the signal number for a process killed by a signal. */
export function exitCodeOf(status: ExitStatus): number {
  if (status.code !== null) return status.code;
  const number = status.signal ? constants.signals[status.signal] : undefined;
  return number === undefined ? exitCodes.failure : 128 + number;
}

/**
 * Ends this process the way the child ended. A child killed by a signal is reported by killing ourselves
 * with the same signal, so the caller (a shell, a supervisor, CI) sees "terminated by SIGTERM", not a code.
 */
export function exitLike(status: ExitStatus): never {
  if (status.signal && status.signal !== 'SIGKILL' && status.signal !== 'SIGSTOP') {
    for (const signal of forwardedSignals) process.removeAllListeners(signal);
    process.kill(process.pid, status.signal);
    // Only reached if the signal is ignored in this process; fall back to the shell convention.
  }
  // exit() rather than exitCode: a watch poll still in flight must not keep us alive after the child is gone.
  process.exit(exitCodeOf(status));
}

/** Signals passed on to the child. SIGKILL and SIGSTOP cannot be caught; SIGWINCH reaches it from the terminal. */
export const forwardedSignals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
const terminatingSignals = new Set<NodeJS.Signals>(['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT']);

export type Supervisor = {
  /** Resolves with the status of the child that ended the run (not of one replaced by `restart`). */
  readonly finished: Promise<ExitStatus>;
  /** Replaces the child: stops the current one gracefully and starts a new one, unless the run is ending. */
  restart(spec: ChildSpec): Promise<void>;
  isStopping(): boolean;
};

/**
 * Runs one child at a time, forwards signals to whichever is current, and reports how the run ended.
 * `isInteractive`: with a terminal, Ctrl+C already reaches the child (same process group), so SIGINT is not
 * sent a second time; programs that treat a second Ctrl+C as "exit immediately" would otherwise do so.
 */
export async function supervise(spec: ChildSpec, options: { graceMs: number; isInteractive: boolean }): Promise<Supervisor> {
  let current = await startChild(spec);
  let isStopping = false;
  let isRestarting = false;
  let finish: (status: ExitStatus) => void = () => {};
  const finished = new Promise<ExitStatus>((resolve) => {
    finish = resolve;
  });

  const handlers = new Map<NodeJS.Signals, () => void>();
  for (const signal of forwardedSignals) {
    const handler = () => {
      if (terminatingSignals.has(signal)) isStopping = true;
      if (signal === 'SIGINT' && options.isInteractive) return;
      current.kill(signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }

  const end = (status: ExitStatus) => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
    finish(status);
  };

  const watchExit = (child: RunningChild) => {
    void child.exited.then((status) => {
      // A child we are replacing exits on purpose; only the current child's own exit ends the run.
      if (child === current && !isRestarting) end(status);
    });
  };
  watchExit(current);

  return {
    finished,
    isStopping: () => isStopping,
    async restart(next) {
      if (isStopping || current.hasExited()) return;
      isRestarting = true;
      try {
        const status = await stopChild(current, options.graceMs);
        if (isStopping) {
          end(status);
          return;
        }
        current = await startChild(next);
        watchExit(current);
        // A signal that arrived while the new child was starting was meant for it too.
        if (isStopping) current.kill('SIGTERM');
      } catch (error) {
        end({ code: error instanceof CliError ? error.exitCode : exitCodes.failure, signal: null });
        throw error;
      } finally {
        isRestarting = false;
      }
    },
  };
}
