import { api } from '../../api/client';

/** Where a secret lives: project, environment slug and folder path. */
export type SecretLocation = { projectId: string; environment: string; secretPath: string };

/** Reads one value on demand (reveal, copy, edit); the list never carries values. */
export async function fetchSecretValue(location: SecretLocation, key: string): Promise<string> {
  const { secret } = await api('get', '/api/v3/secrets/raw/{secretName}', {
    params: { secretName: key },
    query: { workspaceId: location.projectId, environment: location.environment, secretPath: location.secretPath, viewSecretValue: 'true', type: 'shared' },
  });
  if (secret.secretValueHidden) throw new Error('You do not have permission to read this value');
  return secret.secretValue;
}
