import { z } from 'zod';
import type { Keyring } from '../../crypto/keyring.js';
import { AppError } from '../../http/errors.js';
import type { AzureConnectionCredentials } from './azure-auth.js';

/** The decrypted JSON of `app_connections.encrypted_credentials` for Azure, per method. */
const storedCredentialsSchema = z.discriminatedUnion('method', [
  z.object({ method: z.literal('client-secret'), tenantId: z.string(), clientId: z.string(), clientSecret: z.string() }),
  z.object({
    method: z.literal('certificate'),
    tenantId: z.string(),
    clientId: z.string(),
    certificateBody: z.string(),
    privateKey: z.string(),
  }),
  z.object({ method: z.literal('oauth'), tenantId: z.string(), refreshToken: z.string() }),
]);

/** Associated data binds a ciphertext to its row: copied into another row it does not decrypt. */
export function credentialsAad(connectionId: string): string {
  return `app-connection:${connectionId}:credentials`;
}

export async function sealCredentials(
  keyring: Keyring,
  orgId: string,
  connectionId: string,
  credentials: AzureConnectionCredentials,
): Promise<Buffer> {
  return keyring.encrypt(orgId, credentialsAad(connectionId), JSON.stringify(credentials));
}

export async function openCredentials(
  keyring: Keyring,
  orgId: string,
  connectionId: string,
  sealed: Buffer,
): Promise<AzureConnectionCredentials> {
  let text: string;
  try {
    text = await keyring.decryptText(orgId, credentialsAad(connectionId), sealed);
  } catch (error) {
    // Wrong key or tampered row: an operator problem, never the caller's; the message names the row only.
    throw new AppError('internal', `The credentials of app connection ${connectionId} could not be decrypted`, { cause: error });
  }
  const parsed = storedCredentialsSchema.safeParse(JSON.parse(text));
  if (!parsed.success) throw new AppError('internal', `The stored credentials of app connection ${connectionId} are malformed`);
  return parsed.data;
}

/** What the API may show of the credentials: the tenant and, for app credentials, the client id. */
export function publicCredentials(credentials: AzureConnectionCredentials): { tenantId: string; clientId?: string } {
  if (credentials.method === 'oauth') return { tenantId: credentials.tenantId };
  return { tenantId: credentials.tenantId, clientId: credentials.clientId };
}
