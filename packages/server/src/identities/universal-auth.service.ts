import type { AuditLog, RequestOrigin } from '../audit/audit.types.js';
import type { Actor } from '../auth/actor.js';
import type { Authenticator } from '../auth/authenticate.js';
import { createRateLimiter } from '../auth/rate-limiter.js';
import { hashToken, type TokenService } from '../auth/tokens.js';
import type { Db } from '../db/database.js';
import { badRequest, notFound, unauthorized } from '../http/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Ids } from '../lib/ids.js';
import type { PermissionService } from '../permissions/permissions.types.js';
import { isUuid } from '../permissions/permissions.service.js';
import type { IdentitiesService } from './identities.service.js';
import type { UniversalAuthValues } from './identities.repo.js';
import { isIpTrusted, parseTrustedIp } from './trusted-ips.js';
import { toClientSecretDto, toUniversalAuthDto } from './universal-auth.schemas.js';

type TrustedIpsInput = { ipAddress: string }[];
type SettingsInput = {
  clientSecretTrustedIps?: TrustedIpsInput | undefined;
  accessTokenTrustedIps?: TrustedIpsInput | undefined;
  accessTokenTTL?: number | undefined;
  accessTokenMaxTTL?: number | undefined;
  accessTokenNumUsesLimit?: number | undefined;
};

const invalidCredentials = 'Invalid credentials: the client ID or client secret is wrong';

export type UniversalAuthDeps = {
  db: Db;
  clock: Clock;
  ids: Ids;
  audit: AuditLog;
  permissions: PermissionService;
  tokens: TokenService;
  authenticator: Authenticator;
  identities: IdentitiesService;
  machineLoginRateLimitPerMinute: number;
};

export function createUniversalAuthService(deps: UniversalAuthDeps) {
  const { db, clock, ids, audit, permissions, tokens, identities } = deps;
  const repo = identities.repo;
  const limiter = createRateLimiter({ clock, limit: deps.machineLoginRateLimitPerMinute, windowMs: 60_000, message: 'Too many Universal Auth requests from this IP address' });

  function parseSettings(input: SettingsInput): Partial<UniversalAuthValues> {
    const parseList = (list: TrustedIpsInput | undefined, field: string) =>
      list?.map((entry, index) => parseTrustedIp(entry.ipAddress, `body.${field}.${index}.ipAddress`));
    return {
      ...(input.accessTokenTTL !== undefined ? { accessTokenTTL: input.accessTokenTTL } : {}),
      ...(input.accessTokenMaxTTL !== undefined ? { accessTokenMaxTTL: input.accessTokenMaxTTL } : {}),
      ...(input.accessTokenNumUsesLimit !== undefined ? { accessTokenNumUsesLimit: input.accessTokenNumUsesLimit } : {}),
      ...(input.clientSecretTrustedIps ? { clientSecretTrustedIps: parseList(input.clientSecretTrustedIps, 'clientSecretTrustedIps') } : {}),
      ...(input.accessTokenTrustedIps ? { accessTokenTrustedIps: parseList(input.accessTokenTrustedIps, 'accessTokenTrustedIps') } : {}),
    };
  }

  /** The identity's Universal Auth configuration, after the org and permission checks. */
  async function configured(actor: Actor, identityId: string, action: 'read' | 'edit') {
    await identities.findInOrg(actor, identityId);
    permissions.forOrg(actor).assert('identities', action);
    const ua = await repo.findUniversalAuth(identityId);
    if (!ua) throw notFound(`Universal Auth is not configured for identity '${identityId}': attach it first`);
    return ua;
  }

  const event = (actor: Actor, eventType: string, identityId: string, origin: RequestOrigin, metadata: Record<string, unknown> = {}) => ({
    actor,
    orgId: actor.orgId,
    eventType,
    resourceType: 'identity',
    resourceId: identityId,
    metadata: { identityId, ...metadata },
    origin,
  });

  return {
    async attach(actor: Actor, identityId: string, input: SettingsInput, origin: RequestOrigin) {
      await identities.findInOrg(actor, identityId);
      permissions.forOrg(actor).assert('identities', 'edit');
      if (await repo.findUniversalAuth(identityId)) throw badRequest('Universal Auth is already configured for this identity: update it with PATCH instead');
      const settings = parseSettings(input) as UniversalAuthValues;
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertUniversalAuth(trx, { id: ids.uuid(), identityId, clientId: ids.uuid(), now: clock.now(), ...settings });
        await audit.record(event(actor, 'add-identity-universal-auth', identityId, origin, { accessTokenTTL: settings.accessTokenTTL }), trx);
        return created;
      });
      return toUniversalAuthDto(row);
    },

    async get(actor: Actor, identityId: string) {
      return toUniversalAuthDto(await configured(actor, identityId, 'read'));
    },

    async update(actor: Actor, identityId: string, input: SettingsInput, origin: RequestOrigin) {
      const ua = await configured(actor, identityId, 'edit');
      const settings = parseSettings(input);
      const ttl = settings.accessTokenTTL ?? ua.access_token_ttl;
      const maxTtl = settings.accessTokenMaxTTL ?? ua.access_token_max_ttl;
      if (maxTtl > 0 && ttl > maxTtl) throw badRequest('accessTokenTTL cannot be greater than accessTokenMaxTTL');
      const row = await db.transaction().execute(async (trx) => {
        const updated = await repo.updateUniversalAuth(trx, ua.id, { ...settings, now: clock.now() });
        await audit.record(event(actor, 'update-identity-universal-auth', identityId, origin), trx);
        return updated;
      });
      return toUniversalAuthDto(row);
    },

    /** Removes Universal Auth, its client secrets, and revokes the tokens it issued. */
    async revoke(actor: Actor, identityId: string, origin: RequestOrigin) {
      const ua = await configured(actor, identityId, 'edit');
      await db.transaction().execute(async (trx) => {
        await repo.revokeAccessTokensOf(trx, identityId, 'universal-auth');
        await repo.deleteUniversalAuth(trx, ua.id);
        await audit.record(event(actor, 'revoke-identity-universal-auth', identityId, origin), trx);
      });
      return toUniversalAuthDto(ua);
    },

    async createClientSecret(actor: Actor, identityId: string, input: { description: string; numUsesLimit: number; ttl: number }, origin: RequestOrigin) {
      const ua = await configured(actor, identityId, 'edit');
      // 256 random bits, shown once as 64 hex characters; only its SHA-256 is stored.
      const clientSecret = Buffer.from(ids.token(32), 'base64url').toString('hex');
      const row = await db.transaction().execute(async (trx) => {
        const created = await repo.insertClientSecret(trx, {
          id: ids.uuid(),
          uaId: ua.id,
          identityId,
          description: input.description,
          prefix: clientSecret.slice(0, 4),
          hash: hashToken(clientSecret),
          numUsesLimit: input.numUsesLimit,
          ttl: input.ttl,
          now: clock.now(),
        });
        await audit.record(event(actor, 'create-identity-universal-auth-client-secret', identityId, origin, { clientSecretId: created.id }), trx);
        return created;
      });
      return { clientSecret, clientSecretData: toClientSecretDto(row) };
    },

    async listClientSecrets(actor: Actor, identityId: string) {
      const ua = await configured(actor, identityId, 'read');
      return (await repo.listClientSecrets(ua.id)).map(toClientSecretDto);
    },

    async getClientSecret(actor: Actor, identityId: string, clientSecretId: string) {
      const ua = await configured(actor, identityId, 'read');
      const row = await repo.findClientSecret(ua.id, clientSecretId);
      if (!row) throw notFound(`Client secret '${clientSecretId}' not found`);
      return toClientSecretDto(row);
    },

    async revokeClientSecret(actor: Actor, identityId: string, clientSecretId: string, origin: RequestOrigin) {
      const ua = await configured(actor, identityId, 'edit');
      if (!(await repo.findClientSecret(ua.id, clientSecretId))) throw notFound(`Client secret '${clientSecretId}' not found`);
      const row = await db.transaction().execute(async (trx) => {
        const revoked = await repo.revokeClientSecret(trx, clientSecretId, clock.now());
        await audit.record(event(actor, 'revoke-identity-universal-auth-client-secret', identityId, origin, { clientSecretId }), trx);
        return revoked;
      });
      return toClientSecretDto(row);
    },

    /** Exchanges a client ID and secret for an access token (Infisical's `POST /api/v1/auth/universal-auth/login`). */
    async login(input: { clientId: string; clientSecret: string }, origin: RequestOrigin) {
      const ip = origin.ip ?? 'unknown';
      limiter.consume(ip);
      const ua = isUuid(input.clientId) ? await repo.findUniversalAuthByClientId(input.clientId) : undefined;
      const secret = ua ? await repo.findClientSecretByHash(ua.id, hashToken(input.clientSecret)) : undefined;
      if (!ua || !secret) throw unauthorized(invalidCredentials);
      if (secret.is_revoked) throw unauthorized('Invalid credentials: this client secret has been revoked');
      const now = clock.now();
      if (secret.ttl > 0 && secret.created_at.getTime() + secret.ttl * 1000 <= now.getTime()) {
        throw unauthorized(`Invalid credentials: this client secret expired (its TTL was ${secret.ttl} seconds); create a new one`);
      }
      if (!isIpTrusted(ip, ua.client_secret_trusted_ips)) {
        throw unauthorized(`Universal Auth login is not allowed from IP address ${ip}: it is not in the identity's client secret trusted IP ranges`);
      }
      const actor: Actor = { type: 'identity', identityId: ua.identity_id, name: ua.name, orgId: ua.org_id, orgRole: 'no-access', tokenId: '' };
      const issued = await db.transaction().execute(async (trx) => {
        if (!(await repo.consumeClientSecret(trx, secret.id, now))) return undefined;
        const token = await identities.issueAccessToken(trx, {
          identityId: ua.identity_id,
          authMethod: 'universal-auth',
          clientSecretId: secret.id,
          ttl: ua.access_token_ttl,
          maxTtl: ua.access_token_max_ttl,
          numUsesLimit: ua.access_token_num_uses_limit,
        });
        await audit.record(event({ ...actor, tokenId: token.tokenId }, 'login-identity-universal-auth', ua.identity_id, origin, { clientSecretId: secret.id, accessTokenId: token.tokenId }), trx);
        return token;
      });
      if (!issued) throw unauthorized(`Invalid credentials: this client secret has reached its use limit of ${secret.num_uses_limit} uses`);
      return { accessToken: issued.accessToken, expiresIn: ua.access_token_ttl, accessTokenMaxTTL: ua.access_token_max_ttl, tokenType: 'Bearer' as const };
    },

    /** Revokes a machine access token; holding the token is the authorisation. */
    async revokeToken(accessToken: string, origin: RequestOrigin) {
      limiter.consume(origin.ip ?? 'unknown');
      const verified = await tokens.verify(accessToken);
      if (verified.kind !== 'identity') throw badRequest('Only machine identity access tokens can be revoked here; users sign out with POST /api/v1/auth/logout');
      const row = await repo.findAccessToken(verified.tokenId);
      if (!row || row.identity_id !== verified.identityId) throw unauthorized('Access token is no longer valid: it was revoked or its machine identity was deleted');
      if (row.is_revoked) return;
      const actor: Actor = { type: 'identity', identityId: row.identity_id, name: row.name, orgId: row.org_id, orgRole: 'no-access', tokenId: row.id };
      await db.transaction().execute(async (trx) => {
        await repo.revokeAccessToken(trx, row.id);
        await audit.record(event(actor, 'revoke-identity-access-token', row.identity_id, origin, { accessTokenId: row.id }), trx);
      });
    },

    /** Extends a token's TTL from now, never past its maximum TTL (Infisical's `POST /api/v1/auth/token/renew`). */
    async renewToken(accessToken: string, origin: RequestOrigin) {
      limiter.consume(origin.ip ?? 'unknown');
      const actor = await deps.authenticator.authenticate(accessToken, origin.ip ?? 'unknown');
      if (actor.type !== 'identity') throw badRequest('Only machine identity access tokens can be renewed; users refresh their session with POST /api/v1/auth/token');
      const row = await repo.findAccessToken(actor.tokenId);
      if (!row) throw unauthorized('Access token is no longer valid: it was revoked or its machine identity was deleted');
      const now = clock.now();
      let expiresIn = row.access_token_ttl;
      if (row.access_token_max_ttl > 0) {
        const remaining = Math.floor((row.created_at.getTime() + row.access_token_max_ttl * 1000 - now.getTime()) / 1000);
        if (row.access_token_ttl === 0 || remaining < row.access_token_ttl) expiresIn = remaining;
      }
      await db.transaction().execute(async (trx) => {
        await repo.renewAccessToken(trx, row.id, now);
        await audit.record(event(actor, 'renew-identity-access-token', row.identity_id, origin, { accessTokenId: row.id }), trx);
      });
      return { accessToken, expiresIn, accessTokenMaxTTL: row.access_token_max_ttl, tokenType: 'Bearer' as const };
    },
  };
}

export type UniversalAuthService = ReturnType<typeof createUniversalAuthService>;
