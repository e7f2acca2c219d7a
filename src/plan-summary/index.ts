/**
 * `protector plan summary`: a review-friendly rotation summary of a Terraform plan, safe to
 * publish: sensitive values are redacted by their masks, then scrubbed from the text once more.
 */
import { formatSummaryText } from './format';
import { DEFAULT_MARKER, formatSummaryMarkdown } from './markdown';
import { parsePlanJson } from './plan-json';
import { scrubSecrets, secretsOfPlan } from './redact';
import { summarizePlan, type PlanSummary } from './summarize';

export { parsePlanJson, PlanJsonError, type PlanJson } from './plan-json';
export { REDACTED, redactValue, scrubSecrets, secretsOfPlan } from './redact';
export { summarizePlan, KNOWN_AFTER_APPLY, type PlanSummary, type ResourceSummary, type SummaryAction } from './summarize';
export { formatSummaryText } from './format';
export { DEFAULT_MARKER, formatSummaryMarkdown, type TitledSummary } from './markdown';

export const SUMMARY_FORMATS = ['text', 'json', 'markdown'] as const;
export type SummaryFormat = (typeof SUMMARY_FORMATS)[number];

export interface RenderedSummary {
  summary: PlanSummary;
  /** The rendered output, scrubbed of every sensitive string of the plan. */
  output: string;
}

/** Parses `terraform show -json` output and renders its rotation summary. */
export function renderPlanSummary(planJsonText: string, options: { format?: SummaryFormat; source?: string } = {}): RenderedSummary {
  const plan = parsePlanJson(planJsonText, options.source ?? 'the plan JSON');
  const summary = summarizePlan(plan);
  const title = options.source ?? 'plan';
  const rendered =
    options.format === 'json'
      ? `${JSON.stringify(summary, null, 2)}\n`
      : options.format === 'markdown'
        ? formatSummaryMarkdown([{ title, summary }])
        : formatSummaryText(summary);
  return { summary, output: scrubSecrets(rendered, withJsonEscapes(secretsOfPlan(plan))) };
}

export interface PlanInput {
  /** Section heading: the stack name, or the plan file. */
  title: string;
  /** `terraform show -json PLANFILE` output. */
  json: string;
  /** Names the input in error messages. */
  source: string;
}

/**
 * Several plans (one per stack) in one output: Markdown sections, text blocks, or a JSON array.
 * The output is scrubbed of the secrets of every plan, not only its own.
 */
export function renderPlanSummaries(inputs: readonly PlanInput[], options: { format?: SummaryFormat; marker?: string } = {}): string {
  const secrets = new Set<string>();
  const sections = inputs.map((input) => {
    const plan = parsePlanJson(input.json, input.source);
    for (const secret of secretsOfPlan(plan)) secrets.add(secret);
    return { title: input.title, summary: summarizePlan(plan) };
  });
  let rendered: string;
  if (options.format === 'markdown') rendered = formatSummaryMarkdown(sections, options.marker ?? DEFAULT_MARKER);
  else if (options.format === 'json') rendered = `${JSON.stringify(sections.length === 1 ? sections[0]!.summary : sections, null, 2)}\n`;
  else if (sections.length === 1) rendered = formatSummaryText(sections[0]!.summary);
  else rendered = sections.map(({ title, summary }) => `== ${title} ==\n${formatSummaryText(summary)}`).join('\n');
  return scrubSecrets(rendered, withJsonEscapes(secrets));
}

/** A secret as it appears inside a JSON string too (quotes, backslashes, control characters escaped). */
function withJsonEscapes(secrets: Set<string>): Set<string> {
  const all = new Set(secrets);
  for (const secret of secrets) all.add(JSON.stringify(secret).slice(1, -1));
  return all;
}
