import type { FastifyReply, FastifyRequest } from 'fastify';

/** The refresh token travels only in this cookie: httpOnly, SameSite=Strict, scoped to the auth routes. */
export const refreshCookieName = 'rekey_refresh';
const cookiePath = '/api/v1/auth';

export function setRefreshCookie(reply: FastifyReply, token: string, expiresAt: Date, publicUrl: string | undefined): void {
  reply.setCookie(refreshCookieName, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: publicUrl?.startsWith('https://') ?? false,
    path: cookiePath,
    expires: expiresAt,
  });
}

export function clearRefreshCookie(reply: FastifyReply, publicUrl: string | undefined): void {
  reply.clearCookie(refreshCookieName, { httpOnly: true, sameSite: 'strict', secure: publicUrl?.startsWith('https://') ?? false, path: cookiePath });
}

export function readRefreshCookie(request: FastifyRequest): string | undefined {
  const value = request.cookies[refreshCookieName];
  return value && value.length <= 256 ? value : undefined;
}

export function bearerToken(request: FastifyRequest): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  return match?.[1];
}
