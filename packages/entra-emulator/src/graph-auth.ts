import type { EmulatorContext } from './context.js';
import { graphError } from './graph-errors.js';
import { header, type EmulatorRequest, type EmulatorResponse } from './http.js';
import { findUser, type StoredApplication, type StoredTenant } from './store.js';
import { GRAPH_APP_ID, type VerifiedToken, verifyAccessToken } from './tokens.js';

export interface GraphCaller {
  tenant: StoredTenant;
  token: VerifiedToken;
}

const WWW_AUTHENTICATE = `Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="${GRAPH_APP_ID}"`;

const READ_PERMISSIONS = [
  'Application.Read.All',
  'Application.ReadWrite.OwnedBy',
  'Application.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Directory.AccessAsUser.All',
];
const WRITE_ANY_PERMISSIONS = ['Application.ReadWrite.All', 'Directory.ReadWrite.All', 'Directory.AccessAsUser.All'];
const OWNED_BY = 'Application.ReadWrite.OwnedBy';

function unauthorized(ctx: EmulatorContext, request: EmulatorRequest, message: string): EmulatorResponse {
  return graphError(ctx, request, 401, 'InvalidAuthenticationToken', message, { headers: { 'www-authenticate': WWW_AUTHENTICATE } });
}

/** Bearer validation with Graph's 401 messages (reference §2.1). */
export async function authenticateGraph(
  ctx: EmulatorContext,
  request: EmulatorRequest,
): Promise<{ caller: GraphCaller } | { response: EmulatorResponse }> {
  const authorization = header(request.headers, 'authorization') ?? '';
  const match = /^Bearer\s+(.*)$/i.exec(authorization.trim());
  const token = match?.[1]?.trim() ?? '';
  if (token === '') return { response: unauthorized(ctx, request, 'Access token is empty.') };
  const verified = await verifyAccessToken(await ctx.signingKey, token, ctx.clock.now());
  if (!verified.ok) {
    const message = verified.reason === 'expired' ? 'Access token has expired or is not yet valid.' : 'Access token validation failure.';
    return { response: unauthorized(ctx, request, message) };
  }
  // A token for a tenant that no longer exists (admin reset) cannot be valid any more.
  const tenant = ctx.store.tenants.get(verified.token.tenantId);
  if (!tenant) return { response: unauthorized(ctx, request, 'Access token validation failure.') };
  return { caller: { tenant, token: verified.token } };
}

export function canRead(caller: GraphCaller): boolean {
  return READ_PERMISSIONS.some((permission) => caller.token.permissions.has(permission));
}

/**
 * Writes (reference §2.7): `.All` permissions reach every application; `OwnedBy` only those whose
 * owners include the caller. Delegated callers also need to be an admin or an owner themselves.
 */
export function canWrite(caller: GraphCaller, app: StoredApplication): boolean {
  const { token } = caller;
  const isOwner = app.owners.has(token.principalId);
  if (token.isUser) {
    if (!WRITE_ANY_PERMISSIONS.some((permission) => token.permissions.has(permission))) return false;
    const user = findUser(caller.tenant, token.principalId);
    return isOwner || user?.isAdmin === true;
  }
  if (WRITE_ANY_PERMISSIONS.some((permission) => token.permissions.has(permission))) return true;
  return token.permissions.has(OWNED_BY) && isOwner;
}
