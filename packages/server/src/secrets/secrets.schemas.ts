import { z } from 'zod';
import { badRequest } from '../http/errors.js';
import type { ProjectRef } from './secrets.context.js';
import {
  SECRET_VALUE_MAX_BYTES,
  formatBytes,
  zEnvironmentSlug,
  zQueryBoolean,
  zSecretComment,
  zSecretName,
  zSecretPath,
  zSecretValue,
} from './validation.js';

/** Request and response shapes of the Infisical-compatible secrets API (v3 "raw"). */

export const zTag = z.object({ id: z.string(), slug: z.string(), name: z.string(), color: z.string().nullable() });

export const zSecret = z.object({
  id: z.string(),
  _id: z.string(),
  workspace: z.string(),
  environment: z.string(),
  version: z.number().int(),
  type: z.enum(['shared', 'personal']),
  secretKey: z.string(),
  secretValue: z.string(),
  secretValueHidden: z.boolean(),
  secretComment: z.string(),
  secretReminderNote: z.string().nullable(),
  secretReminderRepeatDays: z.number().int().nullable(),
  skipMultilineEncoding: z.boolean(),
  metadata: z.record(z.string(), z.string()).nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
  secretPath: z.string(),
  tags: z.array(zTag),
  isRotatedSecret: z.boolean().describe('True while a secret rotation manages this secret; people cannot edit it then'),
  rotationId: z.string().nullable(),
});

export const zImportedSecrets = z.object({
  secretPath: z.string(),
  environment: z.string(),
  folderId: z.string(),
  secrets: z.array(zSecret),
});

export const zSecretResponse = z.object({ secret: zSecret });
export const zSecretsResponse = z.object({ secrets: z.array(zSecret) });
export const zListSecretsResponse = z.object({ secrets: z.array(zSecret), imports: z.array(zImportedSecrets).optional() });

/** The project: `workspaceId` (Infisical), `projectId` (newer Infisical) or `workspaceSlug`. */
export const projectFields = {
  workspaceId: z.string().trim().min(1).optional().describe('Project id'),
  projectId: z.string().trim().min(1).optional().describe('Project id (alias of workspaceId)'),
  workspaceSlug: z.string().trim().min(1).optional().describe('Project slug, instead of its id'),
};

export function projectRefOf(input: { workspaceId?: string | undefined; projectId?: string | undefined; workspaceSlug?: string | undefined }): ProjectRef {
  const id = input.workspaceId ?? input.projectId;
  if (input.workspaceId && input.projectId && input.workspaceId !== input.projectId) {
    throw badRequest('workspaceId and projectId name different projects: send one of them', [
      { path: 'projectId', message: 'must equal workspaceId when both are given' },
    ]);
  }
  if (id) return { projectId: id };
  if (input.workspaceSlug) return { projectSlug: input.workspaceSlug };
  throw badRequest('Name the project with workspaceId (or projectId) or workspaceSlug', [
    { path: 'workspaceId', message: 'workspaceId, projectId or workspaceSlug is required' },
  ]);
}

const locationFields = {
  ...projectFields,
  environment: zEnvironmentSlug.describe('Environment slug, e.g. dev'),
  secretPath: zSecretPath,
};

const zType = z.enum(['shared', 'personal']);
const zReminderNote = z.string().max(1024).nullable().optional();
const zReminderDays = z.number().int().min(1).max(365).nullable().optional();
const zMetadata = z.record(z.string().max(256), z.string().max(1024)).nullable().optional();
const zTagIds = z.array(z.string()).max(50).optional();

export const zListSecretsQuery = z.object({
  ...locationFields,
  recursive: zQueryBoolean.optional().describe('Also list every folder below secretPath'),
  include_imports: zQueryBoolean.optional().describe('Add `imports`: the secrets of folders this folder imports'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: documents the literal reference syntax
  expandSecretReferences: zQueryBoolean.optional().describe('Expand ${KEY}, ${env.KEY} and ${env.path.KEY} references'),
  viewSecretValue: zQueryBoolean.optional().describe('false hides values'),
  tagSlugs: z.string().optional().describe('Comma-separated tag slugs: only secrets with one of them'),
});

export const zSecretNameParams = z.object({ secretName: zSecretName });

export const zGetSecretQuery = z.object({
  ...locationFields,
  secretName: z.string().optional().describe('Ignored: the name in the URL is used (the SDK sends both)'),
  type: zType.optional().describe('Omitted: your personal override if you have one, else the shared secret'),
  version: z.coerce.number().int().min(1).optional().describe('Read an older version'),
  expandSecretReferences: zQueryBoolean.optional(),
  includeImports: zQueryBoolean.optional().describe('Look in imported folders when the secret is not in this one'),
  include_imports: zQueryBoolean.optional(),
  viewSecretValue: zQueryBoolean.optional(),
});

const sizeNote = `Values may be up to ${formatBytes(SECRET_VALUE_MAX_BYTES)} of UTF-8.`;

export const zCreateSecretBody = z
  .object({
    ...locationFields,
    secretValue: zSecretValue,
    secretComment: zSecretComment.optional(),
    type: zType.optional().describe('personal creates your override of an existing shared secret'),
    skipMultilineEncoding: z.boolean().optional(),
    secretReminderNote: zReminderNote,
    secretReminderRepeatDays: zReminderDays,
    tagIds: zTagIds,
    metadata: zMetadata,
  })
  .describe(sizeNote);

export const zUpdateSecretBody = z
  .object({
    ...locationFields,
    secretValue: zSecretValue.optional(),
    secretComment: zSecretComment.optional(),
    newSecretName: zSecretName.optional(),
    type: zType.optional(),
    skipMultilineEncoding: z.boolean().optional(),
    secretReminderNote: zReminderNote,
    secretReminderRepeatDays: zReminderDays,
    tagIds: zTagIds,
    metadata: zMetadata,
  })
  .describe(sizeNote);

export const zDeleteSecretBody = z.object({ ...locationFields, type: zType.optional() });

const batchLimit = 500;

export const zBatchCreateBody = z.object({
  ...locationFields,
  secrets: z
    .array(
      z.object({
        secretKey: zSecretName,
        secretValue: zSecretValue,
        secretComment: zSecretComment.optional(),
        type: zType.optional(),
        skipMultilineEncoding: z.boolean().optional(),
        secretReminderNote: zReminderNote,
        secretReminderRepeatDays: zReminderDays,
        tagIds: zTagIds,
        metadata: zMetadata,
      }),
    )
    .min(1)
    .max(batchLimit),
});

export const zBatchUpdateBody = z.object({
  ...locationFields,
  mode: z.enum(['failOnNotFound', 'upsert']).optional().describe('upsert creates secrets that do not exist yet'),
  secrets: z
    .array(
      z.object({
        secretKey: zSecretName,
        newSecretName: zSecretName.optional(),
        secretValue: zSecretValue.optional(),
        secretComment: zSecretComment.optional(),
        type: zType.optional(),
        skipMultilineEncoding: z.boolean().optional(),
        secretReminderNote: zReminderNote,
        secretReminderRepeatDays: zReminderDays,
        tagIds: zTagIds,
        metadata: zMetadata,
      }),
    )
    .min(1)
    .max(batchLimit),
});

export const zBatchDeleteBody = z.object({
  ...locationFields,
  secrets: z
    .array(z.object({ secretKey: zSecretName, type: zType.optional() }))
    .min(1)
    .max(batchLimit),
});

type FieldsBody = {
  secretValue?: string | undefined;
  secretComment?: string | undefined;
  skipMultilineEncoding?: boolean | undefined;
  secretReminderNote?: string | null | undefined;
  secretReminderRepeatDays?: number | null | undefined;
  tagIds?: string[] | undefined;
  metadata?: Record<string, string> | null | undefined;
};

/** Maps Infisical's field names onto the service's, leaving out what the client did not send. */
export function fieldsOf(body: FieldsBody) {
  return {
    ...(body.secretValue !== undefined ? { value: body.secretValue } : {}),
    ...(body.secretComment !== undefined ? { comment: body.secretComment } : {}),
    ...(body.skipMultilineEncoding !== undefined ? { skipMultilineEncoding: body.skipMultilineEncoding } : {}),
    ...(body.secretReminderNote !== undefined ? { reminderNote: body.secretReminderNote } : {}),
    ...(body.secretReminderRepeatDays !== undefined ? { reminderRepeatDays: body.secretReminderRepeatDays } : {}),
    ...(body.tagIds !== undefined ? { tagIds: body.tagIds } : {}),
    ...(body.metadata !== undefined ? { metadata: body.metadata } : {}),
  };
}
