import type { Kysely } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { IdentityAuthMethod, TrustedIp } from './identities.tables.js';

type Executor = Kysely<Database>;

export type UniversalAuthValues = {
  accessTokenTTL: number;
  accessTokenMaxTTL: number;
  accessTokenNumUsesLimit: number;
  clientSecretTrustedIps: TrustedIp[];
  accessTokenTrustedIps: TrustedIp[];
};

export function createIdentitiesRepo(db: Db) {
  return {
    async insertIdentity(executor: Executor, identity: { id: string; orgId: string; name: string; role: string; now: Date }) {
      return executor
        .insertInto('identities')
        .values({ id: identity.id, org_id: identity.orgId, name: identity.name, org_role: identity.role, created_at: identity.now, updated_at: identity.now })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** The identity with whether Universal Auth is attached. */
    findIdentity(identityId: string, executor: Executor = db) {
      return executor
        .selectFrom('identities as i')
        .leftJoin('identity_universal_auths as ua', 'ua.identity_id', 'i.id')
        .selectAll('i')
        .select('ua.id as ua_id')
        .where('i.id', '=', identityId)
        .executeTakeFirst();
    },

    listIdentities(orgId: string) {
      return db
        .selectFrom('identities as i')
        .leftJoin('identity_universal_auths as ua', 'ua.identity_id', 'i.id')
        .selectAll('i')
        .select('ua.id as ua_id')
        .where('i.org_id', '=', orgId)
        .orderBy('i.created_at')
        .orderBy('i.id')
        .execute();
    },

    async updateIdentity(executor: Executor, identityId: string, values: { name?: string; role?: string; now: Date }) {
      await executor
        .updateTable('identities')
        .set({
          updated_at: values.now,
          ...(values.name !== undefined ? { name: values.name } : {}),
          ...(values.role !== undefined ? { org_role: values.role } : {}),
        })
        .where('id', '=', identityId)
        .execute();
    },

    async deleteIdentity(executor: Executor, identityId: string) {
      await executor.deleteFrom('identities').where('id', '=', identityId).execute();
    },

    findUniversalAuth(identityId: string, executor: Executor = db) {
      return executor.selectFrom('identity_universal_auths').selectAll().where('identity_id', '=', identityId).executeTakeFirst();
    },

    findUniversalAuthByClientId(clientId: string) {
      return db
        .selectFrom('identity_universal_auths as ua')
        .innerJoin('identities as i', 'i.id', 'ua.identity_id')
        .selectAll('ua')
        .select(['i.org_id', 'i.name'])
        .where('ua.client_id', '=', clientId)
        .executeTakeFirst();
    },

    async insertUniversalAuth(executor: Executor, ua: { id: string; identityId: string; clientId: string; now: Date } & UniversalAuthValues) {
      return executor
        .insertInto('identity_universal_auths')
        .values({
          id: ua.id,
          identity_id: ua.identityId,
          client_id: ua.clientId,
          access_token_ttl: ua.accessTokenTTL,
          access_token_max_ttl: ua.accessTokenMaxTTL,
          access_token_num_uses_limit: ua.accessTokenNumUsesLimit,
          client_secret_trusted_ips: JSON.stringify(ua.clientSecretTrustedIps),
          access_token_trusted_ips: JSON.stringify(ua.accessTokenTrustedIps),
          created_at: ua.now,
          updated_at: ua.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateUniversalAuth(executor: Executor, uaId: string, values: Partial<UniversalAuthValues> & { now: Date }) {
      return executor
        .updateTable('identity_universal_auths')
        .set({
          updated_at: values.now,
          ...(values.accessTokenTTL !== undefined ? { access_token_ttl: values.accessTokenTTL } : {}),
          ...(values.accessTokenMaxTTL !== undefined ? { access_token_max_ttl: values.accessTokenMaxTTL } : {}),
          ...(values.accessTokenNumUsesLimit !== undefined ? { access_token_num_uses_limit: values.accessTokenNumUsesLimit } : {}),
          ...(values.clientSecretTrustedIps ? { client_secret_trusted_ips: JSON.stringify(values.clientSecretTrustedIps) } : {}),
          ...(values.accessTokenTrustedIps ? { access_token_trusted_ips: JSON.stringify(values.accessTokenTrustedIps) } : {}),
        })
        .where('id', '=', uaId)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async deleteUniversalAuth(executor: Executor, uaId: string) {
      await executor.deleteFrom('identity_universal_auths').where('id', '=', uaId).execute();
    },

    async insertClientSecret(
      executor: Executor,
      secret: { id: string; uaId: string; identityId: string; description: string; prefix: string; hash: string; numUsesLimit: number; ttl: number; now: Date },
    ) {
      return executor
        .insertInto('identity_client_secrets')
        .values({
          id: secret.id,
          identity_ua_id: secret.uaId,
          identity_id: secret.identityId,
          description: secret.description,
          prefix: secret.prefix,
          secret_hash: secret.hash,
          num_uses: 0,
          num_uses_limit: secret.numUsesLimit,
          ttl: secret.ttl,
          is_revoked: false,
          created_at: secret.now,
          updated_at: secret.now,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    listClientSecrets(uaId: string) {
      return db
        .selectFrom('identity_client_secrets')
        .selectAll()
        .where('identity_ua_id', '=', uaId)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
    },

    findClientSecret(uaId: string, secretId: string) {
      return db.selectFrom('identity_client_secrets').selectAll().where('identity_ua_id', '=', uaId).where('id', '=', secretId).executeTakeFirst();
    },

    findClientSecretByHash(uaId: string, hash: string) {
      return db.selectFrom('identity_client_secrets').selectAll().where('identity_ua_id', '=', uaId).where('secret_hash', '=', hash).executeTakeFirst();
    },

    async revokeClientSecret(executor: Executor, secretId: string, now: Date) {
      return executor
        .updateTable('identity_client_secrets')
        .set({ is_revoked: true, updated_at: now })
        .where('id', '=', secretId)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Counts one use of a client secret; undefined when the use limit was already reached (atomic). */
    consumeClientSecret(executor: Executor, secretId: string, now: Date) {
      return executor
        .updateTable('identity_client_secrets')
        .set((eb) => ({ num_uses: eb('num_uses', '+', 1), last_used_at: now, updated_at: now }))
        .where('id', '=', secretId)
        .where('is_revoked', '=', false)
        .where((eb) => eb.or([eb('num_uses_limit', '=', 0), eb('num_uses', '<', eb.ref('num_uses_limit'))]))
        .returningAll()
        .executeTakeFirst();
    },

    async insertAccessToken(
      executor: Executor,
      token: { id: string; identityId: string; authMethod: IdentityAuthMethod; clientSecretId: string | null; ttl: number; maxTtl: number; numUsesLimit: number; now: Date },
    ) {
      await executor
        .insertInto('identity_access_tokens')
        .values({
          id: token.id,
          identity_id: token.identityId,
          auth_method: token.authMethod,
          client_secret_id: token.clientSecretId,
          access_token_ttl: token.ttl,
          access_token_max_ttl: token.maxTtl,
          num_uses: 0,
          num_uses_limit: token.numUsesLimit,
          is_revoked: false,
          created_at: token.now,
        })
        .execute();
    },

    findAccessToken(tokenId: string) {
      return db
        .selectFrom('identity_access_tokens as t')
        .innerJoin('identities as i', 'i.id', 't.identity_id')
        .selectAll('t')
        .select(['i.org_id', 'i.name', 'i.org_role'])
        .where('t.id', '=', tokenId)
        .executeTakeFirst();
    },

    async revokeAccessToken(executor: Executor, tokenId: string) {
      await executor.updateTable('identity_access_tokens').set({ is_revoked: true }).where('id', '=', tokenId).execute();
    },

    async renewAccessToken(executor: Executor, tokenId: string, now: Date) {
      await executor.updateTable('identity_access_tokens').set({ last_renewed_at: now }).where('id', '=', tokenId).execute();
    },

    async revokeAccessTokensOf(executor: Executor, identityId: string, authMethod: IdentityAuthMethod) {
      await executor
        .updateTable('identity_access_tokens')
        .set({ is_revoked: true })
        .where('identity_id', '=', identityId)
        .where('auth_method', '=', authMethod)
        .execute();
    },
  };
}

export type IdentitiesRepo = ReturnType<typeof createIdentitiesRepo>;
