import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from './actor.js';
import {
  adminConfigResponse,
  bootstrapBody,
  bootstrapResponse,
  changePasswordBody,
  loginBody,
  loginResponse,
  meResponse,
  messageResponse,
  selectOrganizationBody,
  selectOrganizationResponse,
  userTokenResponse,
} from './auth.schemas.js';
import type { AuthService } from './auth.service.js';
import type { BootstrapService } from './bootstrap.service.js';
import { bearerToken, clearRefreshCookie, readRefreshCookie, setRefreshCookie } from './session-cookie.js';

const tags = ['auth'];
const publicRoute = { access: { public: true } } as const;

export const authRoutes: FastifyPluginAsyncZod<{ auth: AuthService; bootstrap: BootstrapService; publicUrl: string | undefined }> = async (
  app,
  { auth, bootstrap, publicUrl },
) => {
  app.post(
    '/api/v1/admin/bootstrap',
    {
      schema: { tags: ['admin'], summary: 'Set up a fresh instance: first admin, organization and admin machine identity', security: [], body: bootstrapBody, response: { 200: bootstrapResponse } },
      config: publicRoute,
    },
    async (request) => bootstrap.bootstrap(request.body, requestOrigin(request)),
  );

  app.get(
    '/api/v1/admin/config',
    { schema: { tags: ['admin'], summary: 'Whether the instance is set up', security: [], response: { 200: adminConfigResponse } }, config: publicRoute },
    async () => ({ config: await bootstrap.config() }),
  );

  app.post(
    '/api/v1/auth/login',
    {
      schema: { tags, summary: 'Sign in with email and password; sets the refresh cookie', security: [], body: loginBody, response: { 200: loginResponse } },
      config: publicRoute,
    },
    async (request, reply) => {
      const result = await auth.login(request.body, requestOrigin(request));
      setRefreshCookie(reply, result.refreshToken, result.refreshExpiresAt, publicUrl);
      return {
        accessToken: result.accessToken,
        expiresIn: result.expiresIn,
        tokenType: 'Bearer' as const,
        organizationId: result.organization.id,
        user: result.user,
        organization: result.organization,
      };
    },
  );

  app.post(
    '/api/v1/auth/token',
    {
      schema: { tags, summary: 'Get a new access token with the refresh cookie (rotates the cookie)', security: [], response: { 200: userTokenResponse } },
      config: publicRoute,
    },
    async (request, reply) => {
      try {
        const result = await auth.refresh(readRefreshCookie(request), requestOrigin(request));
        setRefreshCookie(reply, result.refreshToken, result.refreshExpiresAt, publicUrl);
        return { accessToken: result.accessToken, expiresIn: result.expiresIn, tokenType: 'Bearer' as const, organizationId: result.organizationId };
      } catch (error) {
        clearRefreshCookie(reply, publicUrl);
        throw error;
      }
    },
  );

  app.post(
    '/api/v1/auth/logout',
    { schema: { tags, summary: 'Sign out: revokes the session and clears the refresh cookie', security: [], response: { 200: messageResponse } }, config: publicRoute },
    async (request, reply) => {
      await auth.logout({ refreshToken: readRefreshCookie(request), bearerToken: bearerToken(request) }, requestOrigin(request));
      clearRefreshCookie(reply, publicUrl);
      return { message: 'Successfully logged out' };
    },
  );

  app.post(
    '/api/v3/auth/select-organization',
    {
      schema: { tags, summary: 'Switch the session to another organization you belong to', body: selectOrganizationBody, response: { 200: selectOrganizationResponse } },
      config: { access: { authenticated: true, description: 'users only' } },
    },
    async (request) => {
      const result = await auth.selectOrganization(requireActor(request), request.body.organizationId);
      return { ...result, token: result.accessToken, tokenType: 'Bearer' as const };
    },
  );

  app.get(
    '/api/v1/users/me',
    {
      schema: { tags: ['users'], summary: 'The signed-in user and their organizations', response: { 200: meResponse } },
      config: { access: { authenticated: true, description: 'users only' } },
    },
    async (request) => auth.me(requireActor(request)),
  );

  app.post(
    '/api/v1/users/me/password',
    {
      schema: { tags: ['users'], summary: 'Change your password; signs out your other sessions', body: changePasswordBody, response: { 200: messageResponse } },
      config: { access: { authenticated: true, description: 'users only' } },
    },
    async (request) => {
      const { revokedSessions } = await auth.changePassword(requireActor(request), request.body, requestOrigin(request));
      return { message: `Password changed; ${revokedSessions} other session(s) signed out` };
    },
  );
};
