/**
 * The part of `terraform show -json PLANFILE` the rotation summary reads, checked with zod.
 * Loose objects: Terraform adds fields between versions and the summary must not break on them.
 *
 * Beware: this JSON holds raw secret values next to `before_sensitive`/`after_sensitive`. Nothing
 * read here may be shown before it went through `redact.ts`.
 */
import * as z from 'zod';
import { UsageError } from '../errors';

/** A path into a value, as in `replace_paths`: keys and list indexes. */
const AttributePathSchema = z.array(z.union([z.string(), z.number()]));
export type AttributePath = z.infer<typeof AttributePathSchema>;

const ChangeSchema = z.looseObject({
  // Strings, not an enum: Terraform adds actions (`forget` in 1.7); the summary warns about the
  // ones it does not know instead of refusing a valid plan.
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
  before_sensitive: z.unknown().optional(),
  after_sensitive: z.unknown().optional(),
  replace_paths: z.array(AttributePathSchema).optional(),
});

const ResourceChangeSchema = z.looseObject({
  address: z.string(),
  mode: z.string().optional(),
  type: z.string(),
  name: z.string().optional(),
  change: ChangeSchema,
  action_reason: z.string().optional(),
  /** Set on a deposed object: the old half of a replacement whose destroy failed earlier. */
  deposed: z.string().optional(),
});
export type ResourceChange = z.infer<typeof ResourceChangeSchema>;

const PlanJsonSchema = z.looseObject({
  format_version: z.string(),
  terraform_version: z.string().optional(),
  resource_changes: z.array(ResourceChangeSchema).optional(),
  /** What the refresh found changed outside Terraform (a token revoked by hand shows as a delete). */
  resource_drift: z.array(ResourceChangeSchema).optional(),
  /** False when the plan failed part-way (`-json` of an errored plan). */
  complete: z.boolean().optional(),
  /** When the plan was made (RFC 3339; Terraform >= 1.5): the "now" a due date is compared with. */
  timestamp: z.string().optional(),
  errored: z.boolean().optional(),
});
export type PlanJson = z.infer<typeof PlanJsonSchema>;

export class PlanJsonError extends UsageError {
  constructor(message: string) {
    super('PLAN_JSON', message);
  }
}

/** Parses the text of `terraform show -json PLANFILE`; `source` names it in error messages. */
export function parsePlanJson(text: string, source: string): PlanJson {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new PlanJsonError(`${source} is not JSON. Pass the output of \`terraform show -json PLANFILE\` (a saved plan from \`terraform plan -out PLANFILE\`).`);
  }
  const parsed = PlanJsonSchema.safeParse(data);
  if (!parsed.success) {
    // Issue paths and messages only: the values may be secrets.
    const issue = parsed.error.issues[0]!;
    throw new PlanJsonError(
      `${source} is not a Terraform plan in JSON (at ${issue.path.join('.') || '(root)'}: ${issue.message}). ` +
        'Pass the output of `terraform show -json PLANFILE`; `terraform show -json` without a plan file shows state, not a plan.',
    );
  }
  if (!('planned_values' in parsed.data) && !('resource_changes' in parsed.data)) {
    throw new PlanJsonError(`${source} holds Terraform state, not a plan. Save a plan with \`terraform plan -out PLANFILE\` and pass \`terraform show -json PLANFILE\`.`);
  }
  return parsed.data;
}
