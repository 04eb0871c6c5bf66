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
