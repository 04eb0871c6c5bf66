import { z } from 'zod';
import { lifecycleEventTypes } from '../lifecycle-events.js';
import { webhookUrlSchema } from './webhook-target.js';

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

/** A glob over folder paths: `/` (root only), `/**` (everything), `/api/**`, `/api/*`. */
export const secretPathGlobSchema = z
  .string()
  .trim()
  .min(1)
  .max(1024, { message: 'must be at most 1024 characters' })
  .regex(/^\/[A-Za-z0-9_.\-/*?{},]*$/, { message: 'must be a folder path or glob starting with /, such as / or /api/**' });

const eventListSchema = z
  .array(z.enum(lifecycleEventTypes, { message: `must be one of ${lifecycleEventTypes.join(', ')}` }))
  .min(1, { message: 'must name at least one event' })
  .max(lifecycleEventTypes.length)
  .transform((events) => [...new Set(events)]);

const environmentSlugSchema = z.string().trim().min(1).max(64);

/** Infisical calls the project a workspace; either name is accepted. */
const projectRef = {
  projectId: uuidSchema.optional(),
  workspaceId: uuidSchema.optional(),
};

function requireProject<T extends { projectId?: string | undefined; workspaceId?: string | undefined }>(value: T, context: z.RefinementCtx): void {
  if (!value.projectId && !value.workspaceId) context.addIssue({ code: 'custom', path: ['projectId'], message: 'is required (or workspaceId)' });
  if (value.projectId && value.workspaceId && value.projectId !== value.workspaceId) {
    context.addIssue({ code: 'custom', path: ['workspaceId'], message: 'must equal projectId when both are given' });
  }
}

export const createWebhookBodySchema = z
  .object({
    ...projectRef,
    /** An environment slug; omitted or null: every environment of the project. */
    environment: environmentSlugSchema.nullish(),
    secretPath: secretPathGlobSchema.default('/**'),
    webhookUrl: webhookUrlSchema,
    /** Omitted: every lifecycle event. */
    events: eventListSchema.default([...lifecycleEventTypes]),
    isDisabled: z.boolean().default(false),
  })
  .strict()
  .superRefine(requireProject);

export const updateWebhookBodySchema = z
  .object({
    environment: environmentSlugSchema.nullish(),
    secretPath: secretPathGlobSchema.optional(),
    webhookUrl: webhookUrlSchema.optional(),
    events: eventListSchema.optional(),
    isDisabled: z.boolean().optional(),
  })
  .strict();

export const listWebhooksQuerySchema = z
  .object({ ...projectRef, environment: environmentSlugSchema.optional() })
  .superRefine(requireProject);

export const webhookParamsSchema = z.object({ webhookId: uuidSchema });

export const deliveriesQuerySchema = z.object({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  status: z.enum(['pending', 'delivered', 'failed']).optional(),
});

export const webhookResponseSchema = z.object({
  id: z.string(),
  projectId: z.string(),
  environment: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
  secretPath: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  isDisabled: z.boolean(),
  lastStatus: z.enum(['pending', 'delivered', 'failed']).nullable(),
  lastRunErrorMessage: z.string().nullable(),
  lastAttemptAt: z.string().nullable(),
  createdBy: z.object({ type: z.string(), id: z.string() }),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const deliveryResponseSchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: z.string(),
  status: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.number(),
  responseStatus: z.number().nullable(),
  error: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  createdAt: z.string(),
  /** The JSON body as sent (it never contains a secret value). */
  payload: z.unknown(),
});

export type CreateWebhookInput = z.infer<typeof createWebhookBodySchema>;
export type UpdateWebhookInput = z.infer<typeof updateWebhookBodySchema>;
export type WebhookResponse = z.infer<typeof webhookResponseSchema>;
export type DeliveryResponse = z.infer<typeof deliveryResponseSchema>;
