import { type ApiClient, createApiClient, normalizeApiUrl } from './api-client.js';
import { resolveTokenSource } from './auth.js';
import { CliError } from './cli-error.js';
import { type CredentialStore, createCredentialStore } from './config-store.js';
import { findProjectConfig } from './project-config.js';
import type { SecretScope } from './rekey-api.js';

export const defaultApiUrl = 'http://localhost:8080';

/** Options every command accepts (see `addCommonOptions`). */
export type CommonOptions = { apiUrl?: string; debug?: boolean };
/** Options of commands that work on secrets of one folder. */
export type ScopeOptions = CommonOptions & { project?: string; env?: string; path?: string };

/** The process around a command, passed in so tests can run commands without a real terminal. */
export type Runtime = {
  env: NodeJS.ProcessEnv;
  cwd: string;
  out: (text: string) => void;
  err: (text: string) => void;
  store: CredentialStore;
};

export function processRuntime(): Runtime {
  const err = (text: string) => void process.stderr.write(text);
  return {
    env: process.env,
    cwd: process.cwd(),
    out: (text) => void process.stdout.write(text),
    err,
    store: createCredentialStore({ warn: (message) => err(`rekey: warning: ${message}\n`) }),
  };
}

export function debugLogger(options: CommonOptions, runtime: Runtime): ((line: string) => void) | undefined {
  return options.debug ? (line) => runtime.err(`rekey: debug: ${line}\n`) : undefined;
}

/** --api-url, then REKEY_API_URL, then the server of the last `rekey login`, then localhost. */
export async function resolveApiUrl(options: CommonOptions, runtime: Runtime): Promise<string> {
  const explicit = options.apiUrl ?? runtime.env.REKEY_API_URL;
  if (explicit) return normalizeApiUrl(explicit);
  return normalizeApiUrl((await runtime.store.defaultApiUrl()) ?? defaultApiUrl);
}

export async function authenticatedClient(options: CommonOptions, runtime: Runtime): Promise<ApiClient> {
  const apiUrl = await resolveApiUrl(options, runtime);
  const debug = debugLogger(options, runtime);
  const auth = await resolveTokenSource({ apiUrl, env: runtime.env, store: runtime.store, debug });
  return createApiClient({ baseUrl: apiUrl, auth, debug });
}

/** `/api/` and `api` both mean `/api`: the server wants a leading slash and no trailing one. */
export function normalizeSecretPath(raw: string): string {
  const trimmed = raw.trim().replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/**
 * Project, environment and folder: flags win, then REKEY_PROJECT_ID / REKEY_ENVIRONMENT / REKEY_SECRET_PATH
 * (handy in CI, where there is no .rekey.json), then the nearest .rekey.json, then `dev` and `/`.
 */
export async function resolveScope(options: ScopeOptions, runtime: Runtime): Promise<SecretScope & { source: string | undefined }> {
  const found = await findProjectConfig(runtime.cwd);
  const project = options.project ?? runtime.env.REKEY_PROJECT_ID ?? found?.config.projectId;
  if (!project) {
    throw new CliError('No project selected: pass --project <id>, set REKEY_PROJECT_ID, or run `rekey init` in this directory');
  }
  const environment = options.env ?? runtime.env.REKEY_ENVIRONMENT ?? found?.config.defaultEnvironment ?? 'dev';
  const secretPath = normalizeSecretPath(options.path ?? runtime.env.REKEY_SECRET_PATH ?? found?.config.secretPath ?? '/');
  return { project, environment, secretPath, source: found?.file };
}
