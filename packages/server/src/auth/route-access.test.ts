import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPublicAccess } from '../http/access.js';
import { startTestApp, type TestApp } from '../test-support/test-app.js';

/**
 * Every route says who may call it. This walks the route table the app recorded while it was built (an onRoute
 * hook registered before any route), so a route added anywhere without `config.access` fails here.
 */
describe('route access declarations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    await t.app.ready();
  });
  afterAll(async () => {
    await t.close();
  });

  it('every registered route declares its access', () => {
    const routes = t.app.declaredRoutes;
    expect(routes.length).toBeGreaterThan(40);
    const undeclared = routes.filter((route) => route.access === undefined).map((route) => `${route.method} ${route.url}`);
    expect(undeclared, `routes without config.access: ${undeclared.join(', ')}`).toEqual([]);
  });

  it('records the identity and access routes with their declarations', () => {
    const find = (method: string, url: string) => t.app.declaredRoutes.find((route) => route.method === method && route.url === url)?.access;
    expect(find('POST', '/api/v1/auth/universal-auth/login')).toEqual({ public: true });
    expect(find('POST', '/api/v1/admin/bootstrap')).toEqual({ public: true });
    expect(find('GET', '/api/docs/json')).toEqual({ public: true });
    expect(find('POST', '/api/v2/workspace')).toMatchObject({ authenticated: true });
    expect(find('HEAD', '/api/v1/users/me')).toMatchObject({ authenticated: true });
  });

  it('every route that is not public answers 401 "Token missing" without a token', async () => {
    const placeholder = '00000000-0000-4000-8000-000000000000';
    const failures: string[] = [];
    for (const route of t.app.declaredRoutes) {
      if (isPublicAccess(route.access)) continue;
      const url = route.url.replace(/:[A-Za-z]+/g, placeholder).replace(/\*/g, 'x');
      const response = await t.app.inject({ method: route.method as 'GET', url });
      // HEAD answers carry no body; their status is enough.
      const message = route.method === 'HEAD' ? 'Token missing' : response.json().message;
      if (response.statusCode !== 401 || message !== 'Token missing') failures.push(`${route.method} ${route.url} → ${response.statusCode} ${message}`);
    }
    expect(failures).toEqual([]);
  });
});
