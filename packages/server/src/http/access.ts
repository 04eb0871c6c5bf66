import type { FastifyInstance } from 'fastify';

/**
 * Every route declares who may call it in its `config.access`; a test walks the route table and fails on
 * any route without a declaration. Public routes say so explicitly.
 */
export type RouteAccess = { public: true } | { authenticated: true; description?: string };

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
}

export type DeclaredRoute = { method: string; url: string; access: RouteAccess | undefined };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered after `trackRouteAccess`, with its access declaration (for the declaration test). */
    declaredRoutes: DeclaredRoute[];
  }
}

/** @fastify/swagger-ui registers its own routes and cannot give them a config; the API documentation is public. */
export const documentationPrefix = '/api/docs';

export function isPublicAccess(access: RouteAccess | undefined): boolean {
  return access !== undefined && 'public' in access && access.public === true;
}

/**
 * Records every route with its declaration, and marks the documentation routes public. Register this first in
 * buildApp, so it sees every route; routes without a declaration are treated as authenticated (fail closed).
 */
export function trackRouteAccess(app: FastifyInstance): void {
  const routes: DeclaredRoute[] = [];
  app.decorate('declaredRoutes', routes);
  app.addHook('onRoute', (route) => {
    const isDocumentation = route.url === documentationPrefix || route.url.startsWith(`${documentationPrefix}/`);
    if (isDocumentation && !route.config?.access) route.config = { ...route.config, access: { public: true } };
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url, access: route.config?.access });
  });
}
