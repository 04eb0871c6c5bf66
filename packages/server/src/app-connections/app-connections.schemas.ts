import { z } from 'zod';
import { appConnectionApps, azureConnectionMethods } from './app-connections.tables.js';

export const connectionNameSchema = z
  .string()
  .trim()
  .min(1, { message: 'must not be empty' })
  .max(64, { message: 'must be at most 64 characters' })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be slug-friendly: lowercase letters, digits and single hyphens' });

/** Absent leaves the description alone on update; null clears it. */
export const connectionDescriptionSchema = z
  .string()
  .trim()
  .max(256, { message: 'must be at most 256 characters' })
  .nullish()
  .transform((value) => (value === '' ? null : value));

export const connectionIdParams = z.object({ connectionId: z.uuid({ message: 'must be a connection id (UUID)' }) });
export const connectionNameParams = z.object({ connectionName: connectionNameSchema });

/**
 * A connection as the API shows it: never a secret, a private key or a token; only the ids a person
 * needs to recognise the tenant and the app (Infisical's "sanitized" connection).
 */
export const appConnectionSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  app: z.enum(appConnectionApps),
  method: z.enum(azureConnectionMethods),
  credentials: z.object({ tenantId: z.string(), clientId: z.string().optional() }),
  version: z.number().int(),
  orgId: z.uuid(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AppConnectionDto = z.infer<typeof appConnectionSchema>;

export const appConnectionResponse = z.object({ appConnection: appConnectionSchema });
export const appConnectionsResponse = z.object({ appConnections: z.array(appConnectionSchema) });

export const availableConnectionsResponse = z.object({
  appConnections: z.array(z.object({ id: z.uuid(), name: z.string(), app: z.enum(appConnectionApps), orgId: z.uuid() })),
});

export const appConnectionOptionsResponse = z.object({
  appConnectionOptions: z.array(
    z.object({
      name: z.string(),
      app: z.enum(appConnectionApps),
      methods: z.array(z.enum(azureConnectionMethods)),
      oauthClientId: z.string().nullable().describe('Rekey’s own Azure app for the OAuth method; null when OAuth is not configured'),
    }),
  ),
});
