import { createHash } from 'node:crypto';
import { ApiError, type ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';
import { type Secret, type SecretList, type SecretScope, getProject, isUuid, listSecrets } from './rekey-api.js';

/** The secrets `run` injects and `export` writes: the folder's own secrets over those of its imports. */
export type SecretSet = {
  values: Map<string, string>;
  /** Changes whenever a secret is added, removed or gets a new version (see `versionFingerprint`). */
  fingerprint: string;
  /** True when some value holds a `${...}` reference: then a version check alone cannot see every change. */
  hasReferences: boolean;
};

/** Imports first, earlier imports winning over later ones (as the server's single read does), own secrets last. */
export function mergeSecrets(list: SecretList): Map<string, string> {
  const values = new Map<string, string>();
  const imports = [...(list.imports ?? [])].reverse();
  for (const imported of imports) {
    for (const secret of imported.secrets) values.set(secret.secretKey, secret.secretValue);
  }
  for (const secret of list.secrets) values.set(secret.secretKey, secret.secretValue);
  return values;
}

/** A digest of which secrets exist at which version; values are not needed, so polls can leave them hidden. */
export function versionFingerprint(list: SecretList): string {
  const entries: string[] = [];
  const add = (origin: string, secret: Secret) => entries.push(`${origin}\u0000${secret.id}\u0000${secret.secretKey}\u0000${secret.version}`);
  for (const secret of list.secrets) add('own', secret);
  for (const imported of list.imports ?? []) {
    for (const secret of imported.secrets) add(`${imported.environment}:${imported.secretPath}`, secret);
  }
  return createHash('sha256').update(entries.sort().join('\n')).digest('hex');
}

const referencePattern = /\$\{[^}]+\}/;

function isEmpty(list: SecretList): boolean {
  return list.secrets.length === 0 && (list.imports ?? []).every((imported) => imported.secrets.length === 0);
}

/**
 * The server answers an unknown environment with an empty list (as Infisical does), which would make a typo
 * in --env silently run a program without secrets. An empty answer is therefore checked against the
 * project's environments; it costs one request, and only when there is nothing to inject anyway.
 */
export async function assertEnvironmentExists(api: ApiClient, scope: SecretScope): Promise<void> {
  if (!isUuid(scope.project)) return;
  let slugs: string[];
  try {
    slugs = (await getProject(api, scope.project)).environments.map((environment) => environment.slug);
  } catch (error) {
    // A server without the project route, or a token that may read secrets but not the project: no check.
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return;
    throw error;
  }
  if (!slugs.includes(scope.environment)) {
    throw new CliError(`Environment '${scope.environment}' does not exist in project ${scope.project}; its environments are: ${slugs.join(', ')}`);
  }
}

export async function loadSecretSet(api: ApiClient, scope: SecretScope): Promise<SecretSet> {
  const { data } = await listSecrets(api, scope, { includeImports: true, expandReferences: true });
  if (isEmpty(data)) await assertEnvironmentExists(api, scope);
  const values = mergeSecrets(data);
  // Expanded values no longer show their references, so look at the raw values for them: one more cheap read.
  let hasReferences = false;
  if ([...values.values()].some((value) => value.includes('$'))) {
    const raw = await listSecrets(api, scope, { includeImports: true, expandReferences: false });
    hasReferences = [...mergeSecrets(raw.data).values()].some((value) => referencePattern.test(value));
  }
  return { values, fingerprint: versionFingerprint(data), hasReferences };
}

export type ChangeProbe = { fingerprint: string; etag: string | undefined; isUnchanged: boolean };

/**
 * The cheap poll: values hidden (the server decrypts nothing) and the last ETag sent along, so a server that
 * supports conditional requests can answer 304. Only a changed fingerprint costs a full read.
 */
export async function probeVersions(api: ApiClient, scope: SecretScope, previous: { fingerprint: string; etag: string | undefined }): Promise<ChangeProbe> {
  const response = await listSecrets(api, scope, {
    includeImports: true,
    viewValues: false,
    ...(previous.etag ? { ifNoneMatch: previous.etag } : {}),
  });
  if (response.status === 304) return { fingerprint: previous.fingerprint, etag: previous.etag, isUnchanged: true };
  const fingerprint = versionFingerprint(response.data);
  return { fingerprint, etag: response.headers.get('etag') ?? undefined, isUnchanged: fingerprint === previous.fingerprint };
}
