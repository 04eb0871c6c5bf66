import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../auth/actor.js';
import { forbidden } from '../../http/errors.js';
import type { Metrics } from './metrics.js';

/**
 * `/metrics` on the main port. Public only when REKEY_METRICS_PUBLIC=true; otherwise it needs the token of an
 * admin of the instance's organization, the one created at bootstrap: the figures cover every organization,
 * and any user may create an organization of their own. The separate REKEY_METRICS_PORT listener is the
 * unauthenticated way for scrapers.
 */
export const metricsRoutes: FastifyPluginAsyncZod<{
  metrics: Metrics;
  isPublic: boolean;
  instanceOrganizationId: () => Promise<string | undefined>;
}> = async (app, { metrics, isPublic, instanceOrganizationId }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: isPublic
          ? 'Prometheus metrics (public on this instance: REKEY_METRICS_PUBLIC=true)'
          : "Prometheus metrics; needs the token of an admin of the instance's (first) organization (or scrape the REKEY_METRICS_PORT listener)",
        response: { 200: z.string().describe('Prometheus text exposition format') },
      },
      config: isPublic ? { access: { public: true } } : { access: { authenticated: true, description: "admins of the instance's first organization" } },
    },
    async (request, reply) => {
      if (!isPublic) {
        const actor = requireActor(request);
        const isInstanceAdmin = actor.type !== 'system' && actor.orgRole === 'admin' && actor.orgId === (await instanceOrganizationId());
        if (!isInstanceAdmin) {
          throw forbidden("Reading metrics needs an admin of the instance's first organization (the one created at bootstrap): the figures cover every organization");
        }
      }
      const text = await metrics.render();
      reply.type(metrics.contentType);
      return text;
    },
  );
};
