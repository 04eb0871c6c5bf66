import { api } from '../../api/client';

/** Where a secret lives: project, environment slug and folder path. */
export type SecretLocation = { projectId: string; environment: string; secretPath: string };

/**
 * Reads one secret's value and comment on demand (reveal, copy, edit). The list is fetched without values,
 * so a value only reaches the browser when someone asks for it, and each read is in the audit log.
 */
export async function fetchSecretValue(location: SecretLocation, key: string, type: 'shared' | 'personal' = 'shared'): Promise<{ value: string; comment: string }> {
  const { secret } = await api('get', '/api/v3/secrets/raw/{secretName}', {
    params: { secretName: key },
    query: { workspaceId: location.projectId, environment: location.environment, secretPath: location.secretPath, viewSecretValue: 'true', type },
  });
  if (secret.secretValueHidden) throw new Error('You do not have permission to read this value');
  return { value: secret.secretValue, comment: secret.secretComment };
}
