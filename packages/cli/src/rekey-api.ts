import type { ApiClient } from './api-client.js';

/**
 * The slices of the Rekey HTTP API the CLI uses, typed by hand from the server's OpenAPI document
 * (the CLI never imports server code). Only fields the CLI reads are listed.
 */

export type AccessToken = { accessToken: string; expiresIn: number };

export type UserLogin = AccessToken & {
  organizationId: string;
  user: { id: string; email: string };
  organization: { id: string; name: string; slug: string };
};

export type Environment = { id: string; name: string; slug: string };
export type Project = { id: string; name: string; slug: string; environments: Environment[] };

export type Secret = {
  id: string;
  secretKey: string;
  secretValue: string;
  secretValueHidden?: boolean;
  secretComment: string;
  secretPath: string;
  environment: string;
  version: number;
  type: 'shared' | 'personal';
  isRotatedSecret?: boolean;
  rotationId?: string | null;
  createdAt: string;
  updatedAt: string;
};

export type ImportedSecrets = { secretPath: string; environment: string; secrets: Secret[] };
export type SecretList = { secrets: Secret[]; imports?: ImportedSecrets[] };

export type Rotation = {
  id: string;
  name: string;
  description: string | null;
  type: string;
  projectId: string;
  environment: { slug: string; name: string };
  secretPath: string;
  connection: { id: string; name: string; app: string };
  parameters: Record<string, unknown>;
  secretsMapping: Record<string, string>;
  isAutoRotationEnabled: boolean;
  rotationInterval: number;
  rotateAtUtc: { hours: number; minutes: number };
  rotateAt: { hours: number; minutes: number; timeZone: string };
  activeIndex: number;
  rotationStatus: 'success' | 'failed' | 'rotating';
  lastRotatedAt: string | null;
  lastRotationAttemptedAt: string | null;
  nextRotationAt: string | null;
  lastRotationMessage: string | null;
  isLastRotationManual: boolean;
  consecutiveFailures: number;
  createdAt: string;
  updatedAt: string;
};

export type RotationAttempt = {
  id: string;
  trigger: string;
  step: string;
  outcome: 'success' | 'failed' | 'abandoned' | 'in-progress';
  actor: { type: string; id: string };
  keyId: string | null;
  replacedKeyId: string | null;
  message: string | null;
  failureCategory: string | null;
  verificationWaitMs: number | null;
  startedAt: string;
  finishedAt: string | null;
};

/** Where secrets live. A project is named by id, or by slug where the server accepts one. */
export type SecretScope = { project: string; environment: string; secretPath: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** The secrets API takes `workspaceId` or `workspaceSlug`; this picks the right one for what the user typed. */
export function projectParam(project: string): { workspaceId: string } | { workspaceSlug: string } {
  return isUuid(project) ? { workspaceId: project } : { workspaceSlug: project };
}

function location(scope: SecretScope) {
  return { ...projectParam(scope.project), environment: scope.environment, secretPath: scope.secretPath };
}

export function universalAuthLogin(api: ApiClient, clientId: string, clientSecret: string) {
  return api.request<AccessToken>('POST', '/api/v1/auth/universal-auth/login', { body: { clientId, clientSecret }, isAuthenticated: false });
}

export function userLogin(api: ApiClient, email: string, password: string) {
  return api.request<UserLogin>('POST', '/api/v1/auth/login', { body: { email, password }, isAuthenticated: false });
}

export type SecretListOptions = { includeImports?: boolean; expandReferences?: boolean; viewValues?: boolean; ifNoneMatch?: string };

export function listSecrets(api: ApiClient, scope: SecretScope, options: SecretListOptions = {}) {
  return api.request<SecretList>('GET', '/api/v3/secrets/raw', {
    query: {
      ...location(scope),
      include_imports: options.includeImports ?? false,
      expandSecretReferences: options.expandReferences ?? false,
      // Only sent when false: hiding values lets a poll skip decryption on the server.
      viewSecretValue: options.viewValues === false ? false : undefined,
    },
    ...(options.ifNoneMatch ? { headers: { 'if-none-match': options.ifNoneMatch } } : {}),
  });
}

export async function getSecret(api: ApiClient, scope: SecretScope, name: string, expandReferences: boolean): Promise<Secret> {
  const query = { ...location(scope), expandSecretReferences: expandReferences, includeImports: true };
  return (await api.get<{ secret: Secret }>(`/api/v3/secrets/raw/${encodeURIComponent(name)}`, query)).secret;
}

export async function createSecret(api: ApiClient, scope: SecretScope, name: string, value: string, comment?: string): Promise<Secret> {
  const body = { ...location(scope), secretValue: value, type: 'shared', ...(comment !== undefined ? { secretComment: comment } : {}) };
  return (await api.post<{ secret: Secret }>(`/api/v3/secrets/raw/${encodeURIComponent(name)}`, body)).secret;
}

export async function updateSecret(api: ApiClient, scope: SecretScope, name: string, value: string, comment?: string): Promise<Secret> {
  const body = { ...location(scope), secretValue: value, type: 'shared', ...(comment !== undefined ? { secretComment: comment } : {}) };
  return (await api.patch<{ secret: Secret }>(`/api/v3/secrets/raw/${encodeURIComponent(name)}`, body)).secret;
}

export async function deleteSecret(api: ApiClient, scope: SecretScope, name: string): Promise<Secret> {
  return (await api.delete<{ secret: Secret }>(`/api/v3/secrets/raw/${encodeURIComponent(name)}`, { ...location(scope), type: 'shared' })).secret;
}

export async function listProjects(api: ApiClient): Promise<Project[]> {
  return (await api.get<{ workspaces: Project[] }>('/api/v1/workspace')).workspaces;
}

export async function getProject(api: ApiClient, projectId: string): Promise<Project> {
  return (await api.get<{ workspace: Project }>(`/api/v1/workspace/${encodeURIComponent(projectId)}`)).workspace;
}

export async function listRotations(api: ApiClient, projectId: string): Promise<Rotation[]> {
  return (await api.get<{ secretRotations: Rotation[] }>('/api/v2/secret-rotations', { projectId })).secretRotations;
}

export async function getRotation(api: ApiClient, type: string, id: string): Promise<Rotation> {
  return (await api.get<{ secretRotation: Rotation }>(`/api/v2/secret-rotations/${type}/${encodeURIComponent(id)}`)).secretRotation;
}

/** Verification waits for Entra ID to accept the new secret, which can take minutes: hence the long timeout. */
export async function rotateNow(api: ApiClient, type: string, id: string): Promise<Rotation> {
  const path = `/api/v2/secret-rotations/${type}/${encodeURIComponent(id)}/rotate-secrets`;
  return (await api.request<{ secretRotation: Rotation }>('POST', path, { body: {}, timeoutMs: 10 * 60_000 })).data.secretRotation;
}

export function rotationHistory(api: ApiClient, id: string, page: { offset: number; limit: number }) {
  return api.get<{ totalCount: number; history: RotationAttempt[] }>(`/api/v2/secret-rotations/${encodeURIComponent(id)}/history`, page);
}
