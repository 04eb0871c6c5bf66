import { z } from 'zod';
import { actionsForProjectSubject } from './default-roles.js';
import { type PermissionAction, type PermissionRule, permissionActions, projectSubjects } from './permissions.types.js';

const environmentSlug = z.string().trim().min(1).max(64);
const pathGlob = z.string().trim().min(1).max(256).startsWith('/', { message: "must start with '/', such as /api/**" });
const connectionId = z.uuid();

/** Equality (`"dev"` or `{$eq}`) or membership (`{$in: [...]}`), as in Infisical's CASL conditions. */
const oneOrMany = <T extends z.ZodString | z.ZodUUID>(value: T) =>
  z.union([value, z.object({ $eq: value }).strict(), z.object({ $in: z.array(value).min(1).max(50) }).strict()]);

export const ruleConditionsInput = z
  .object({
    environment: oneOrMany(environmentSlug).optional(),
    secretPath: z.union([pathGlob, z.object({ $glob: pathGlob }).strict(), z.object({ $eq: pathGlob }).strict()]).optional(),
    connectionId: oneOrMany(connectionId).optional(),
  })
  .strict();

const actionInput = z.enum(permissionActions, { message: `must be one of: ${permissionActions.join(', ')}` });

/**
 * One rule: `{subject, action: "read" | ["read", "edit"], conditions?, inverted?}` (`actions` is accepted
 * too). Conditions: `environment` (slug, `{$eq}` or `{$in}`), `secretPath` (a glob string or `{$glob}`; `{$eq}`
 * is an exact path), `connectionId`.
 */
export const ruleInput = z
  .object({
    subject: z.enum(projectSubjects, { message: `must be one of: ${projectSubjects.join(', ')}` }),
    action: z.union([actionInput, z.array(actionInput).min(1).max(10)]).optional(),
    actions: z.array(actionInput).min(1).max(10).optional(),
    conditions: ruleConditionsInput.optional(),
    inverted: z.boolean().optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const actions = [rule.action ?? [], rule.actions ?? []].flat();
    if (actions.length === 0) ctx.addIssue({ code: 'custom', message: 'action is required, for example "read" or ["read", "edit"]', path: ['action'] });
    const allowed = actionsForProjectSubject(rule.subject);
    for (const action of actions) {
      if (!allowed.includes(action)) {
        ctx.addIssue({ code: 'custom', message: `'${action}' does not apply to ${rule.subject}; use one of: ${allowed.join(', ')}`, path: ['action'] });
      }
    }
  });
export type RuleInput = z.infer<typeof ruleInput>;

const globSpecials = /[\\*?[\]{}()!+@]/g;

function values(input: string | { $eq: string } | { $in: string[] }): string | string[] {
  if (typeof input === 'string') return input;
  return '$eq' in input ? input.$eq : input.$in;
}

export function normalizeRule(rule: RuleInput): PermissionRule {
  const actions = [...new Set([rule.action ?? [], rule.actions ?? []].flat())] as PermissionAction[];
  const conditions: PermissionRule['conditions'] = {};
  if (rule.conditions?.environment !== undefined) conditions.environment = values(rule.conditions.environment);
  if (rule.conditions?.connectionId !== undefined) conditions.connectionId = values(rule.conditions.connectionId);
  const path = rule.conditions?.secretPath;
  if (path !== undefined) {
    if (typeof path === 'string') conditions.secretPath = path;
    else conditions.secretPath = '$glob' in path ? path.$glob : path.$eq.replace(globSpecials, '\\$&');
  }
  return {
    subject: rule.subject,
    actions,
    ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
    ...(rule.inverted ? { inverted: true } : {}),
  };
}

const conditionOutput = z.union([z.string(), z.object({ $in: z.array(z.string()) })]);
export const ruleOutput = z.object({
  subject: z.string(),
  action: z.array(z.string()),
  conditions: z
    .object({ environment: conditionOutput.optional(), secretPath: z.object({ $glob: z.string() }).optional(), connectionId: conditionOutput.optional() })
    .optional(),
  inverted: z.boolean().optional(),
});

export function toRuleOutput(rule: PermissionRule): z.infer<typeof ruleOutput> {
  const asOutput = (value: string | string[] | undefined) => (value === undefined ? undefined : Array.isArray(value) ? { $in: value } : value);
  const conditions = rule.conditions
    ? {
        ...(rule.conditions.environment !== undefined ? { environment: asOutput(rule.conditions.environment) } : {}),
        ...(rule.conditions.secretPath !== undefined ? { secretPath: { $glob: rule.conditions.secretPath } } : {}),
        ...(rule.conditions.connectionId !== undefined ? { connectionId: asOutput(rule.conditions.connectionId) } : {}),
      }
    : undefined;
  return { subject: rule.subject, action: rule.actions, ...(conditions ? { conditions } : {}), ...(rule.inverted ? { inverted: true } : {}) };
}
