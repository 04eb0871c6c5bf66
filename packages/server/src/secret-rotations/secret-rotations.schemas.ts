import { z } from 'zod';
import { isValidTimeZone } from './engine/schedule.js';

export const slugSchema = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(64, { message: 'must be at most 64 characters' })
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, { message: 'must be slug-friendly: lowercase letters, digits and single hyphens, e.g. my-rotation' });

export const uuidSchema = z.uuid({ message: 'must be a UUID' });

export const timeOfDaySchema = z.object({
  hours: z.number().int().min(0, { message: 'must be between 0 and 23' }).max(23, { message: 'must be between 0 and 23' }),
  minutes: z.number().int().min(0, { message: 'must be between 0 and 59' }).max(59, { message: 'must be between 0 and 59' }),
});

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isValidTimeZone, { message: 'must be an IANA time zone such as Europe/Berlin or America/New_York' });

export const rotationIntervalSchema = z
  .number({ message: 'must be a whole number of days' })
  .int({ message: 'must be a whole number of days' })
  .min(1, { message: 'must be at least 1 day' })
  .max(909, { message: 'must be at most 909 days (credentials live two intervals plus 3 days, at most ~5 years)' });

export const secretPathSchema = z
  .string()
  .max(1024)
  .regex(/^\/(?:[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)*)?$/, { message: 'must be a folder path like / or /api/payments' })
  .refine((path) => !path.split('/').some((part) => part === '.' || part === '..'), { message: 'must not contain . or .. segments' });

/** Fields every rotation type shares; providers add `parameters` and `secretsMapping`. */
export const rotationBaseCreateSchema = z.object({
  name: slugSchema,
  description: z.string().max(256, { message: 'must be at most 256 characters' }).nullish(),
  connectionId: uuidSchema,
  projectId: uuidSchema,
  environment: z.string().min(1).max(64),
  secretPath: secretPathSchema.default('/'),
  isAutoRotationEnabled: z.boolean().default(true),
  rotationInterval: rotationIntervalSchema,
  /** Infisical's form: the time of day in UTC. */
  rotateAtUtc: timeOfDaySchema.optional(),
  /** Rekey's form: local wall-clock time in `timeZone`, kept across DST changes. */
  rotateAt: timeOfDaySchema.optional(),
  timeZone: timeZoneSchema.optional(),
});

export const rotationBaseUpdateSchema = z.object({
  name: slugSchema.optional(),
  description: z.string().max(256).nullish(),
  isAutoRotationEnabled: z.boolean().optional(),
  rotationInterval: rotationIntervalSchema.optional(),
  rotateAtUtc: timeOfDaySchema.optional(),
  rotateAt: timeOfDaySchema.optional(),
  timeZone: timeZoneSchema.optional(),
});

export const rotationResponseSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  type: z.string(),
  projectId: z.string(),
  environment: z.object({ id: z.string(), name: z.string(), slug: z.string() }),
  folder: z.object({ path: z.string() }),
  secretPath: z.string(),
  connectionId: z.string(),
  connection: z.object({ id: z.string(), name: z.string(), app: z.string() }),
  parameters: z.record(z.string(), z.unknown()),
  secretsMapping: z.record(z.string(), z.string()),
  isAutoRotationEnabled: z.boolean(),
  rotationInterval: z.number(),
  rotateAtUtc: timeOfDaySchema,
  rotateAt: timeOfDaySchema.extend({ timeZone: z.string() }),
  activeIndex: z.number(),
  rotationStatus: z.enum(['success', 'failed', 'rotating']),
  lastRotatedAt: z.string().nullable(),
  lastRotationAttemptedAt: z.string().nullable(),
  nextRotationAt: z.string().nullable(),
  lastRotationMessage: z.string().nullable(),
  lastFailureCategory: z.string().nullable(),
  isLastRotationManual: z.boolean(),
  consecutiveFailures: z.number(),
  /** Set when a person must act: automatic retries stopped, a permanent error, or a credential close to expiry. */
  attentionReason: z.string().nullable(),
  needsAttention: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RotationResponse = z.infer<typeof rotationResponseSchema>;

export const generatedCredentialsResponseSchema = z.object({
  rotationId: z.string(),
  type: z.string(),
  activeIndex: z.number(),
  generatedCredentials: z.array(
    z.object({ slot: z.number(), isActive: z.boolean(), expiresAt: z.string().nullable(), credential: z.record(z.string(), z.unknown()) }),
  ),
});
