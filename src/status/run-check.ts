/**
 * `protector status --check`: collects the configurations (those of the given states, or all),
 * checks them, prints the findings and sets the exit code a scheduled job alerts on.
 *
 * Exit codes: 0 no findings, 1 findings (this module's), 2 usage mistakes, 3 API or Terraform
 * failures, 70 bugs (the CLI's convention for errors). 1 is free in that convention, and it
 * is what test-like tools use for "ran fine, found problems".
 */
import type { ProtectorClient } from '../api/client';
import { UsageError } from '../errors';
import { parseDuration } from '../api/duration';
import { checkStatus } from './check';
import { formatCheckJson, formatCheckMarkdown, formatCheckText, type CheckReport } from './check-format';
import { collectStatus, type ConfigurationStatus } from './collect';
import { readManagedTokens, type ManagedToken } from './managed-tokens';

export const FINDINGS_EXIT_CODE = 1;
export const DEFAULT_DUE_WITHIN = '14d';
const FORMATS = ['text', 'json', 'markdown'] as const;

export interface CheckFlags {
  config?: string;
  dueWithin: string;
  state: string[];
  format: string;
}

/** Checks usage before any network call. */
export function validateCheckFlags(flags: CheckFlags): { dueWithinMs: number; format: (typeof FORMATS)[number] } {
  const dueWithinMs = parseDuration(flags.dueWithin);
  if (dueWithinMs === undefined) {
    throw new UsageError('STATUS_USAGE', `--due-within ${JSON.stringify(flags.dueWithin)} is not a duration; use one such as "14d", "36h" or "0s".`);
  }
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new UsageError('STATUS_USAGE', `--format ${flags.format} is not supported; use text, json or markdown.`);
  }
  return { dueWithinMs, format: flags.format as (typeof FORMATS)[number] };
}

/** Prints the report and returns the exit code (0, or {@link FINDINGS_EXIT_CODE}). */
export async function runStatusCheck(client: ProtectorClient, flags: CheckFlags, now: () => Date = () => new Date()): Promise<number> {
  const { dueWithinMs, format } = validateCheckFlags(flags);
  let managed: ManagedToken[] | undefined;
  if (flags.state.length > 0) {
    managed = [];
    for (const location of flags.state) managed.push(...(await readManagedTokens(location)));
  }
  const statuses = await collectScope(client, flags.config, managed);
  const findings = checkStatus(statuses, { now: now(), dueWithinMs, managed });
  const report: CheckReport = {
    ok: findings.length === 0,
    checkedAt: now().toISOString(),
    dueWithin: flags.dueWithin,
    configurations: statuses.length,
    findings,
  };
  const render = format === 'json' ? formatCheckJson : format === 'markdown' ? formatCheckMarkdown : formatCheckText;
  process.stdout.write(render(report));
  return report.ok ? 0 : FINDINGS_EXIT_CODE;
}

/** --config; else the configurations the states manage tokens of; else every configuration. */
async function collectScope(client: ProtectorClient, config: string | undefined, managed: ManagedToken[] | undefined): Promise<ConfigurationStatus[]> {
  if (config !== undefined || managed === undefined) return collectStatus(client, config);
  const ids = [...new Set(managed.map((token) => token.configurationId))];
  const statuses: ConfigurationStatus[] = [];
  for (const id of ids) statuses.push(...(await collectStatus(client, id)));
  return statuses;
}
