import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliError, errorMessage } from './cli-error.js';
import { withFileLock } from './file-lock.js';

/** A signed-in user: the access token is short-lived, the refresh token (the session cookie's value) renews it. */
export type UserCredential = {
  kind: 'user';
  email: string;
  organizationId: string;
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string | null;
};

/**
 * A machine identity. The client secret is kept so that an expired access token can be replaced without a
 * person, which is what a long `rekey run --watch` on a server needs; the file is 0600 for that reason.
 */
export type MachineCredential = {
  kind: 'universal-auth';
  clientId: string;
  clientSecret: string;
  accessToken: string;
  accessTokenExpiresAt: string;
};

export type StoredCredential = UserCredential | MachineCredential;

/** Credentials are keyed by server URL so a token is only ever sent to the server that issued it. */
export type CredentialsFile = {
  version: 1;
  defaultApiUrl?: string;
  servers: Record<string, StoredCredential>;
};

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CONFIG_HOME;
  // XDG says a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config');
  return path.join(base, 'rekey');
}

export function credentialsPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'credentials.json');
}

function emptyFile(): CredentialsFile {
  return { version: 1, servers: {} };
}

function isCredential(value: unknown): value is StoredCredential {
  if (!value || typeof value !== 'object') return false;
  const fields = value as Record<string, unknown>;
  if (typeof fields.accessToken !== 'string' || typeof fields.accessTokenExpiresAt !== 'string') return false;
  if (fields.kind === 'user') return typeof fields.email === 'string';
  if (fields.kind === 'universal-auth') return typeof fields.clientId === 'string' && typeof fields.clientSecret === 'string';
  return false;
}

export type CredentialStore = {
  readonly path: string;
  read(): Promise<CredentialsFile>;
  get(apiUrl: string): Promise<StoredCredential | undefined>;
  save(apiUrl: string, credential: StoredCredential, options?: { makeDefault?: boolean }): Promise<void>;
  remove(apiUrl: string): Promise<boolean>;
  /** The server `rekey login` last signed in to; used when neither --api-url nor REKEY_API_URL is given. */
  defaultApiUrl(): Promise<string | undefined>;
  /** Runs `fn` while no other rekey process renews a session (see file-lock.ts for why). */
  whileRenewing<T>(fn: () => Promise<T>): Promise<T>;
};

export function createCredentialStore(options: { path?: string; warn?: (message: string) => void } = {}): CredentialStore {
  const file = options.path ?? credentialsPath();
  let hasWarned = false;

  async function read(): Promise<CredentialsFile> {
    let text: string;
    try {
      const stat = await fs.stat(file);
      // Group- or world-readable tokens are a leak waiting to happen; say so, the next write fixes it.
      if (process.platform !== 'win32' && (stat.mode & 0o077) !== 0 && !hasWarned) {
        hasWarned = true;
        options.warn?.(`${file} is readable by other users; run: chmod 600 '${file}'`);
      }
      text = await fs.readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyFile();
      throw new CliError(`Cannot read ${file}: ${errorMessage(error)}`);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      const fields = (parsed ?? {}) as Partial<CredentialsFile>;
      const servers: Record<string, StoredCredential> = {};
      for (const [url, credential] of Object.entries(fields.servers ?? {})) {
        if (isCredential(credential)) servers[url] = credential;
      }
      return { version: 1, servers, ...(typeof fields.defaultApiUrl === 'string' ? { defaultApiUrl: fields.defaultApiUrl } : {}) };
    } catch {
      throw new CliError(`${file} is not valid JSON; delete it and run \`rekey login\` again`);
    }
  }

  /** Read, change, write under a lock, so two processes saving at once do not drop each other's entries. */
  async function update(change: (contents: CredentialsFile) => boolean): Promise<boolean> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    return withFileLock(`${file}.lock`, async () => {
      const contents = await read();
      const isChanged = change(contents);
      if (isChanged) await write(contents);
      return isChanged;
    });
  }

  /** Writes a private temporary file and renames it over the old one, so a crash never leaves half a file. */
  async function write(contents: CredentialsFile): Promise<void> {
    const dir = path.dirname(file);
    const temporary = path.join(dir, `.credentials.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      await fs.writeFile(temporary, `${JSON.stringify(contents, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
      await fs.rename(temporary, file);
      // rename keeps the new file's mode, but be explicit in case the umask or filesystem interfered.
      await fs.chmod(file, 0o600);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw new CliError(`Cannot write ${file}: ${errorMessage(error)}`);
    }
  }

  return {
    path: file,
    read,
    async get(apiUrl) {
      return (await read()).servers[apiUrl];
    },
    async save(apiUrl, credential, saveOptions = {}) {
      await update((contents) => {
        contents.servers[apiUrl] = credential;
        if (saveOptions.makeDefault) contents.defaultApiUrl = apiUrl;
        return true;
      });
    },
    remove(apiUrl) {
      return update((contents) => {
        if (!contents.servers[apiUrl]) return false;
        delete contents.servers[apiUrl];
        if (contents.defaultApiUrl === apiUrl) delete contents.defaultApiUrl;
        return true;
      });
    },
    async defaultApiUrl() {
      return (await read()).defaultApiUrl;
    },
    async whileRenewing(fn) {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
      return withFileLock(`${file}.renew.lock`, fn);
    },
  };
}
