import { z } from 'zod';
import type { AzureEndpoints } from '../../app-connections/azure-client-secrets/azure-auth.js';
import type { GraphApi } from '../../app-connections/azure-client-secrets/graph-api.js';
import { ProviderError } from '../engine/provider-error.js';
import type { RotationProvider } from '../engine/provider.js';
import { checkNewClientSecret } from './secret-check.js';

/** What the engine needs from an Azure app connection (resolved by the app-connections module). */
export type AzureConnection = { connectionId: string; tenantId: string; graph: GraphApi; endpoints: AzureEndpoints };

const guid = z.string().regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
  message: 'must be a GUID like 00000000-0000-0000-0000-000000000000',
});

export const azureParametersSchema = z.object({
  objectId: guid.describe("The application's object ID (the `id` of the application in Graph)"),
  clientId: guid.describe("The application's client (app) ID"),
  appName: z.string().max(256).optional(),
});
export type AzureParameters = z.infer<typeof azureParametersSchema>;

const secretName = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(256, { message: 'must be at most 256 characters' })
  .regex(/^\S+$/, { message: 'must not contain whitespace' });

export const azureMappingSchema = z
  .object({ clientId: secretName, clientSecret: secretName })
  .refine((mapping) => mapping.clientId !== mapping.clientSecret, {
    message: 'the client ID and client secret must map to different secret names',
    path: ['clientSecret'],
  });
export type AzureMapping = z.infer<typeof azureMappingSchema>;

export const azureCredentialSchema = z.object({ clientId: z.string(), clientSecret: z.string(), keyId: z.string() });
export type AzureCredential = z.infer<typeof azureCredentialSchema>;

/** Audiences that include personal Microsoft accounts limit an application to two passwords. */
const twoPasswordAudiences = new Set(['AzureADandPersonalMicrosoftAccount', 'PersonalMicrosoftAccount']);

export const azureClientSecretProvider: RotationProvider<AzureParameters, AzureMapping, AzureCredential, AzureConnection> = {
  type: 'azure-client-secret',
  name: 'Azure Client Secret',
  connectionApp: 'azure-client-secrets',
  parametersSchema: azureParametersSchema,
  mappingSchema: azureMappingSchema,
  credentialSchema: azureCredentialSchema,
  mappingTemplate: { clientId: 'AZURE_CLIENT_ID', clientSecret: 'AZURE_CLIENT_SECRET' },

  async preflight(connection, parameters, trackedExternalIds) {
    const app = await connection.graph.getApplication(parameters.objectId);
    if (app.appId.toLowerCase() !== parameters.clientId.toLowerCase()) {
      throw new ProviderError(
        'invalid',
        `Application ${parameters.objectId} has client ID ${app.appId}, not ${parameters.clientId}; pick the application again`,
      );
    }
    if (!app.signInAudience || !twoPasswordAudiences.has(app.signInAudience)) return { maxCredentials: null };
    const foreign = app.passwordCredentials.filter((password) => !trackedExternalIds.includes(password.keyId));
    if (foreign.length > 0) {
      const names = foreign.map((password) => `"${password.displayName ?? '(no name)'}" (keyId ${password.keyId})`).join(', ');
      throw new ProviderError(
        'limit',
        `Application ${app.displayName} accepts personal Microsoft accounts and may hold only 2 client secrets, which Rekey needs for the active and previous credential; remove ${names} first`,
      );
    }
    return { maxCredentials: 2 };
  },

  async issue(connection, parameters, input) {
    const created = await connection.graph.addPassword(parameters.objectId, { displayName: input.marker, endDateTime: input.expiresAt });
    return {
      credential: { clientId: parameters.clientId, clientSecret: created.secretText, keyId: created.keyId },
      externalId: created.keyId,
      expiresAt: created.endDateTime ? new Date(created.endDateTime) : input.expiresAt,
    };
  },

  async verify(connection, _parameters, credential) {
    const result = await checkNewClientSecret(
      { tenantId: connection.tenantId, clientId: credential.clientId, clientSecret: credential.clientSecret },
      connection.endpoints,
    );
    return result.status === 'active' ? { status: 'active' } : { status: 'pending', reason: `Entra ID does not accept it yet (${result.code})` };
  },

  revoke: (connection, parameters, externalId) => connection.graph.removePassword(parameters.objectId, externalId),

  async listMarked(connection, parameters, markerPrefix) {
    const app = await connection.graph.getApplication(parameters.objectId);
    return app.passwordCredentials
      .filter((password) => (password.displayName ?? '').startsWith(markerPrefix))
      .map((password) => ({
        externalId: password.keyId,
        marker: password.displayName ?? '',
        expiresAt: password.endDateTime ? new Date(password.endDateTime) : null,
      }));
  },

  toSecretValues(parameters, mapping, credential) {
    return { [mapping.clientId]: parameters.clientId, [mapping.clientSecret]: credential.clientSecret };
  },
};
