import { z } from 'zod';
import { connectionDescriptionSchema, connectionNameSchema } from '../app-connections.schemas.js';

// z.guid, not z.uuid: Microsoft ids are 8-4-4-4-12 hex but not always RFC 4122 variants.
export const tenantIdSchema = z.guid({ message: 'must be the Directory (tenant) ID, a GUID such as 72f988bf-86f1-41af-91ab-2d7cd011db47' });
export const clientIdSchema = z.guid({ message: 'must be the Application (client) ID, a GUID' });

/** Real client secrets are 16–64 characters; the bound only keeps absurd input out. */
export const clientSecretCredentialsInput = z.object({
  tenantId: tenantIdSchema,
  clientId: clientIdSchema,
  clientSecret: z.string().trim().min(1, { message: 'must not be empty' }).max(256),
});

export const certificateCredentialsInput = z.object({
  tenantId: tenantIdSchema,
  clientId: clientIdSchema,
  certificateBody: z.string().trim().min(1, { message: 'must not be empty' }).max(32_768).describe('X.509 certificate, PEM (or base64 DER)'),
  privateKey: z.string().trim().min(1, { message: 'must not be empty' }).max(32_768).describe('Unencrypted private key, PEM (PKCS#8 or PKCS#1) or base64 DER'),
});

export const oauthCredentialsInput = z.object({
  tenantId: tenantIdSchema,
  code: z.string().min(1, { message: 'must not be empty' }).max(8192).describe('The authorization code Entra ID sent to the callback page'),
  state: z.string().min(1, { message: 'must not be empty' }).max(4096).describe('The state returned by GET /oauth/authorize-url, as received on the callback page'),
});

export const azureCredentialsInputByMethod = {
  'client-secret': clientSecretCredentialsInput,
  certificate: certificateCredentialsInput,
  oauth: oauthCredentialsInput,
} as const;

export type AzureCredentialsInput =
  | { method: 'client-secret'; credentials: z.infer<typeof clientSecretCredentialsInput> }
  | { method: 'certificate'; credentials: z.infer<typeof certificateCredentialsInput> }
  | { method: 'oauth'; credentials: z.infer<typeof oauthCredentialsInput> };

const createBase = { name: connectionNameSchema, description: connectionDescriptionSchema };

export const createAzureConnectionBody = z.discriminatedUnion('method', [
  z.object({ ...createBase, method: z.literal('client-secret'), credentials: clientSecretCredentialsInput }),
  z.object({ ...createBase, method: z.literal('certificate'), credentials: certificateCredentialsInput }),
  z.object({ ...createBase, method: z.literal('oauth'), credentials: oauthCredentialsInput }),
]);
export type CreateAzureConnectionInput = z.infer<typeof createAzureConnectionBody>;

/** Credentials are checked against the connection's (immutable) method by the service. */
export const updateAzureConnectionBody = z.object({
  name: connectionNameSchema.optional(),
  description: connectionDescriptionSchema,
  method: z.enum(['client-secret', 'certificate', 'oauth']).optional().describe('Only accepted when equal to the current method'),
  credentials: z
    .union([clientSecretCredentialsInput, certificateCredentialsInput, oauthCredentialsInput])
    .optional()
    .describe('New credentials for the connection’s method; validated against Azure before they are saved'),
});
export type UpdateAzureConnectionInput = z.infer<typeof updateAzureConnectionBody>;

export const azureClientSchema = z.object({
  id: z.string().describe('Object ID of the application'),
  name: z.string().describe('Display name'),
  appId: z.string().describe('Application (client) ID'),
});

export const azureClientsResponse = z.object({ clients: z.array(azureClientSchema) });

export const authorizeUrlQuery = z.object({ tenantId: tenantIdSchema });
export const authorizeUrlResponse = z.object({
  url: z.string().describe('Send the browser here'),
  state: z.string().describe('Opaque, signed, valid for 15 minutes; echo it in credentials.state'),
  redirectUri: z.string(),
});
