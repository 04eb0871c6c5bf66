import type { Selectable } from 'kysely';
import { z } from 'zod';
import type { IdentityClientSecretsTable, IdentityUniversalAuthsTable } from './identities.tables.js';

const maxTtl = 315_360_000; // ten years, Infisical's ceiling
const ttlSchema = z.number().int().min(0).max(maxTtl);
const trustedIpsInput = z.array(z.object({ ipAddress: z.string().trim().min(1).max(64) })).min(1).max(100);
const everywhere = [{ ipAddress: '0.0.0.0/0' }, { ipAddress: '::/0' }];

const ttlWithinMax = (value: { accessTokenTTL?: number | undefined; accessTokenMaxTTL?: number | undefined }) =>
  value.accessTokenTTL === undefined || value.accessTokenMaxTTL === undefined || value.accessTokenMaxTTL === 0 || value.accessTokenTTL <= value.accessTokenMaxTTL;
const ttlMessage = { message: 'accessTokenTTL cannot be greater than accessTokenMaxTTL', path: ['accessTokenTTL'] };

/** Infisical's defaults: tokens live 30 days, usable any number of times, from any address. */
export const attachUniversalAuthBody = z
  .object({
    clientSecretTrustedIps: trustedIpsInput.default(everywhere),
    accessTokenTrustedIps: trustedIpsInput.default(everywhere),
    accessTokenTTL: ttlSchema.default(2_592_000),
    accessTokenMaxTTL: ttlSchema.default(2_592_000),
    accessTokenNumUsesLimit: z.number().int().min(0).max(1_000_000_000).default(0),
  })
  .refine(ttlWithinMax, ttlMessage);

export const updateUniversalAuthBody = z
  .object({
    clientSecretTrustedIps: trustedIpsInput.optional(),
    accessTokenTrustedIps: trustedIpsInput.optional(),
    accessTokenTTL: ttlSchema.optional(),
    accessTokenMaxTTL: ttlSchema.optional(),
    accessTokenNumUsesLimit: z.number().int().min(0).max(1_000_000_000).optional(),
  })
  .refine(ttlWithinMax, ttlMessage);

const trustedIpSchema = z.object({ ipAddress: z.string(), prefix: z.number().int().optional(), type: z.enum(['ipv4', 'ipv6']) });

export const universalAuthSchema = z.object({
  id: z.uuid(),
  clientId: z.uuid(),
  identityId: z.uuid(),
  accessTokenTTL: z.number().int(),
  accessTokenMaxTTL: z.number().int(),
  accessTokenNumUsesLimit: z.number().int(),
  clientSecretTrustedIps: z.array(trustedIpSchema),
  accessTokenTrustedIps: z.array(trustedIpSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toUniversalAuthDto(row: Selectable<IdentityUniversalAuthsTable>): z.infer<typeof universalAuthSchema> {
  return {
    id: row.id,
    clientId: row.client_id,
    identityId: row.identity_id,
    accessTokenTTL: row.access_token_ttl,
    accessTokenMaxTTL: row.access_token_max_ttl,
    accessTokenNumUsesLimit: row.access_token_num_uses_limit,
    clientSecretTrustedIps: row.client_secret_trusted_ips,
    accessTokenTrustedIps: row.access_token_trusted_ips,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const universalAuthResponse = z.object({ identityUniversalAuth: universalAuthSchema });

export const createClientSecretBody = z.object({
  description: z.string().trim().max(256).default(''),
  numUsesLimit: z.number().int().min(0).max(1_000_000_000).default(0),
  ttl: ttlSchema.default(0),
});

export const clientSecretDataSchema = z.object({
  id: z.uuid(),
  identityUAId: z.uuid(),
  identityId: z.uuid(),
  description: z.string(),
  clientSecretPrefix: z.string(),
  clientSecretNumUses: z.number().int(),
  clientSecretNumUsesLimit: z.number().int(),
  clientSecretTTL: z.number().int(),
  isClientSecretRevoked: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export function toClientSecretDto(row: Selectable<IdentityClientSecretsTable>): z.infer<typeof clientSecretDataSchema> {
  return {
    id: row.id,
    identityUAId: row.identity_ua_id,
    identityId: row.identity_id,
    description: row.description,
    clientSecretPrefix: row.prefix,
    clientSecretNumUses: row.num_uses,
    clientSecretNumUsesLimit: row.num_uses_limit,
    clientSecretTTL: row.ttl,
    isClientSecretRevoked: row.is_revoked,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export const clientSecretParams = z.object({ identityId: z.uuid(), clientSecretId: z.uuid() });
export const createClientSecretResponse = z.object({ clientSecret: z.string(), clientSecretData: clientSecretDataSchema });
export const clientSecretResponse = z.object({ clientSecretData: clientSecretDataSchema });
export const clientSecretsResponse = z.object({ clientSecretData: z.array(clientSecretDataSchema) });

export const universalAuthLoginBody = z.object({ clientId: z.string().trim().min(1).max(256), clientSecret: z.string().min(1).max(256) });
export const accessTokenResponse = z.object({
  accessToken: z.string(),
  expiresIn: z.number().int(),
  accessTokenMaxTTL: z.number().int(),
  tokenType: z.literal('Bearer'),
});
export const accessTokenBody = z.object({ accessToken: z.string().min(1).max(8192) });
