import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireActor } from '../../auth/actor.js';
import { forbidden } from '../../http/errors.js';
import type { Metrics } from './metrics.js';

/**
 * `/metrics` on the main port. Public only when REKEY_METRICS_PUBLIC=true; otherwise it needs the token of an
 * organization admin (the separate REKEY_METRICS_PORT listener is the unauthenticated way for scrapers).
 */
export const metricsRoutes: FastifyPluginAsyncZod<{ metrics: Metrics; isPublic: boolean }> = async (app, { metrics, isPublic }) => {
  app.get(
    '/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: isPublic
          ? 'Prometheus metrics (public on this instance: REKEY_METRICS_PUBLIC=true)'
          : 'Prometheus metrics; needs an organization admin token (or scrape the REKEY_METRICS_PORT listener)',
        response: { 200: z.string().describe('Prometheus text exposition format') },
      },
      config: isPublic ? { access: { public: true } } : { access: { authenticated: true, description: 'organization admins' } },
    },
    async (request, reply) => {
      if (!isPublic) {
        const actor = requireActor(request);
        if (actor.type === 'system' || actor.orgRole !== 'admin') throw forbidden('Reading metrics needs an organization admin');
      }
      const text = await metrics.render();
      reply.type(metrics.contentType);
      return text;
    },
  );
};
