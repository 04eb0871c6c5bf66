import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { checkDatabase, type Db } from '../db/database.js';

const statusResponse = z.object({
  status: z.enum(['ok', 'degraded']),
  database: z.enum(['ok', 'unreachable']),
  version: z.string(),
  uptimeSeconds: z.number(),
});

export const statusRoutes: FastifyPluginAsyncZod<{ db: Db; version: string }> = async (app, { db, version }) => {
  app.get(
    '/api/status',
    {
      schema: {
        tags: ['operations'],
        summary: 'Liveness and database reachability',
        security: [],
        response: { 200: statusResponse, 503: statusResponse },
      },
      config: { access: { public: true } },
    },
    async (_request, reply) => {
      const isDatabaseUp = await checkDatabase(db);
      const body = {
        status: isDatabaseUp ? ('ok' as const) : ('degraded' as const),
        database: isDatabaseUp ? ('ok' as const) : ('unreachable' as const),
        version,
        uptimeSeconds: Math.round(process.uptime()),
      };
      return reply.status(isDatabaseUp ? 200 : 503).send(body);
    },
  );
};
