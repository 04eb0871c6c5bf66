import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requestOrigin } from '../../audit/audit.types.js';
import { requireActor } from '../../auth/actor.js';
import {
  createWebhookBodySchema,
  deliveriesQuerySchema,
  deliveryResponseSchema,
  listWebhooksQuerySchema,
  updateWebhookBodySchema,
  webhookParamsSchema,
  webhookResponseSchema,
} from './webhooks.schemas.js';
import type { WebhooksService } from './webhooks.service.js';

const authenticated = { access: { authenticated: true } } as const;
const tags = ['webhooks'];
const envelope = z.object({ message: z.string(), webhook: webhookResponseSchema });

/** Project webhooks for rotation lifecycle events (Infisical's `/api/v1/webhooks` shapes, Rekey's event list). */
export const webhooksRoutes: FastifyPluginAsyncZod<{ service: WebhooksService }> = async (app, { service }) => {
  app.post(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'Create a project webhook for rotation lifecycle events; the signing secret is shown only in this response',
        body: createWebhookBodySchema,
        response: { 200: envelope.extend({ secret: z.string().describe('HMAC-SHA256 signing secret; store it now, it is not shown again') }) },
      },
      config: authenticated,
    },
    async (request) => {
      const created = await service.create(requireActor(request), request.body, requestOrigin(request));
      return { message: 'Successfully created webhook', webhook: created.webhook, secret: created.secret };
    },
  );

  app.get(
    '/api/v1/webhooks',
    {
      schema: {
        tags,
        summary: 'List the webhooks of a project',
        querystring: listWebhooksQuerySchema,
        response: { 200: z.object({ webhooks: z.array(webhookResponseSchema) }) },
      },
      config: authenticated,
    },
    async (request) => ({ webhooks: await service.list(requireActor(request), request.query) }),
  );

  app.get(
    '/api/v1/webhooks/:webhookId',
    {
      schema: { tags, summary: 'Get a webhook', params: webhookParamsSchema, response: { 200: z.object({ webhook: webhookResponseSchema }) } },
      config: authenticated,
    },
    async (request) => ({ webhook: await service.get(requireActor(request), request.params.webhookId) }),
  );

  app.patch(
    '/api/v1/webhooks/:webhookId',
    {
      schema: {
        tags,
        summary: 'Update a webhook: enable or disable it, or change its filters, URL or events',
        params: webhookParamsSchema,
        body: updateWebhookBodySchema,
        response: { 200: envelope },
      },
      config: authenticated,
    },
    async (request) => ({
      message: 'Successfully updated webhook',
      webhook: await service.update(requireActor(request), request.params.webhookId, request.body, requestOrigin(request)),
    }),
  );

  app.delete(
    '/api/v1/webhooks/:webhookId',
    {
      schema: { tags, summary: 'Delete a webhook and its delivery log', params: webhookParamsSchema, response: { 200: envelope } },
      config: authenticated,
    },
    async (request) => ({
      message: 'Successfully deleted webhook',
      webhook: await service.remove(requireActor(request), request.params.webhookId, requestOrigin(request)),
    }),
  );

  app.get(
    '/api/v1/webhooks/:webhookId/deliveries',
    {
      schema: {
        tags,
        summary: 'The delivery log of a webhook, newest first: event, status, attempts, response code, error, next attempt',
        params: webhookParamsSchema,
        querystring: deliveriesQuerySchema,
        response: { 200: z.object({ totalCount: z.number(), deliveries: z.array(deliveryResponseSchema) }) },
      },
      config: authenticated,
    },
    async (request) => service.deliveries(requireActor(request), request.params.webhookId, request.query),
  );

  app.post(
    '/api/v1/webhooks/:webhookId/test',
    {
      schema: {
        tags,
        summary: 'Send a signed webhook.test event to the webhook now and report the outcome',
        params: webhookParamsSchema,
        response: { 200: z.object({ message: z.string(), delivery: deliveryResponseSchema }) },
      },
      config: authenticated,
    },
    async (request) => {
      const delivery = await service.sendTest(requireActor(request), request.params.webhookId, requestOrigin(request));
      return { message: delivery.status === 'delivered' ? 'The test event was delivered' : 'The test event was not delivered', delivery };
    },
  );
};
