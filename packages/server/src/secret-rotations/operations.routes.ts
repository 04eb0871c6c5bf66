import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestOrigin } from '../audit/audit.types.js';
import { requireActor } from '../auth/actor.js';
import { rotationResponseSchema, uuidSchema } from './secret-rotations.schemas.js';
import { toRotationResponse } from './secret-rotations.view.js';
import type { createRotationOperations } from './operations.service.js';

const authenticated = { access: { authenticated: true } } as const;
const tags = ['secret-rotations'];
const params = z.object({ rotationId: uuidSchema });

const historyEntry = z.object({
  id: z.string(),
  trigger: z.string(),
  step: z.string(),
  outcome: z.enum(['success', 'failed', 'abandoned', 'in-progress']),
  actor: z.object({ type: z.string(), id: z.string() }),
  keyId: z.string().nullable(),
  replacedKeyId: z.string().nullable(),
  message: z.string().nullable(),
  failureCategory: z.string().nullable(),
  verificationWaitMs: z.number().nullable(),
  startedAt: z.string(),
  issuedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  promotedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export const rotationOperationsRoutes: FastifyPluginAsyncZod<{ operations: ReturnType<typeof createRotationOperations> }> = async (app, { operations }) => {
  app.get(
    '/api/v2/secret-rotations/:rotationId/history',
    {
      schema: {
        tags,
        summary: 'Every attempt of a rotation, newest first: trigger, steps and timings, outcome and message',
        params,
        querystring: z.object({ offset: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(100).default(20) }),
        response: { 200: z.object({ totalCount: z.number(), history: z.array(historyEntry) }) },
      },
      config: authenticated,
    },
    async (request) => operations.history(requireActor(request), request.params.rotationId, request.query),
  );

  app.get(
    '/api/v2/secret-rotations/:rotationId/preview',
    {
      schema: {
        tags,
        summary: 'Dry run: the next run times (UTC and local) and what the next rotation will do, without touching Azure',
        params,
        querystring: z.object({ count: z.coerce.number().int().min(1).max(50).default(5) }),
        response: {
          200: z.object({
            rotationId: z.string(),
            isAutoRotationEnabled: z.boolean(),
            timeZone: z.string(),
            nextRuns: z.array(z.object({ utc: z.string(), local: z.string() })),
            nextRotation: z.object({
              at: z.string().nullable(),
              revokesKeyId: z.string().nullable(),
              keepsKeyId: z.string().nullable(),
              secretNames: z.array(z.string()),
              newCredentialEndDate: z.string(),
            }),
          }),
        },
      },
      config: authenticated,
    },
    async (request) => operations.preview(requireActor(request), request.params.rotationId, request.query.count),
  );

  app.post(
    '/api/v2/secret-rotations/:rotationId/rollback',
    {
      schema: { tags, summary: 'Make the previous credential active again while it is still valid in Azure', params, response: { 200: z.object({ secretRotation: rotationResponseSchema }) } },
      config: authenticated,
    },
    async (request) => {
      const found = await operations.rollback(requireActor(request), request.params.rotationId, requestOrigin(request));
      if (!found) throw new Error('rotation disappeared during rollback');
      return { secretRotation: toRotationResponse(found.row, found.context) };
    },
  );
};
