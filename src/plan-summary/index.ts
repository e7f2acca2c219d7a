/**
 * `protector plan summary`: a review-friendly rotation summary of a Terraform plan, safe to
 * publish: sensitive values are redacted by their masks, then scrubbed from the text once more.
 */
import { formatSummaryText } from './format';
import { parsePlanJson } from './plan-json';
import { scrubSecrets, secretsOfPlan } from './redact';
import { summarizePlan, type PlanSummary } from './summarize';

export { PlanJsonError } from './plan-json';
export { REDACTED } from './redact';
export type { PlanSummary, ResourceSummary } from './summarize';

export type SummaryFormat = 'text' | 'json';

export interface RenderedSummary {
  summary: PlanSummary;
  /** The rendered output, scrubbed of every sensitive string of the plan. */
  output: string;
}

/** Parses `terraform show -json` output and renders its rotation summary. */
export function renderPlanSummary(planJsonText: string, options: { format?: SummaryFormat; source?: string } = {}): RenderedSummary {
  const plan = parsePlanJson(planJsonText, options.source ?? 'the plan JSON');
  const summary = summarizePlan(plan);
  const rendered = options.format === 'json' ? `${JSON.stringify(summary, null, 2)}\n` : formatSummaryText(summary);
  return { summary, output: scrubSecrets(rendered, withJsonEscapes(secretsOfPlan(plan))) };
}

/** A secret as it appears inside a JSON string too (quotes, backslashes, control characters escaped). */
function withJsonEscapes(secrets: Set<string>): Set<string> {
  const all = new Set(secrets);
  for (const secret of secrets) all.add(JSON.stringify(secret).slice(1, -1));
  return all;
}
