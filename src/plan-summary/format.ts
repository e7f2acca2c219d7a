/** Renders a rotation summary as short text for a pull request or a terminal. */
import type { PlanSummary, ResourceSummary, SummaryAction, ValueChange } from './summarize';

const ACTION_ORDER: SummaryAction[] = ['replace', 'create', 'update', 'delete', 'forget'];

export function formatSummaryText(summary: PlanSummary): string {
  const lines: string[] = [];
  const total = summary.resources.length;
  const retries = summary.revokeRetries ?? 0;
  if (total === 0) {
    lines.push(summary.warnings.length > 0 ? 'Rotation summary: no change it can describe (see the warnings).' : 'Rotation summary: no changes to protector resources.');
  } else {
    const counts = ACTION_ORDER.filter((action) => summary.counts[action] > 0).map((action) => `${summary.counts[action]} to ${action}`);
    if (retries > 0) counts.push(`${retries} revoke${retries === 1 ? '' : 's'} of a previous token retried`);
    lines.push(`Rotation summary: ${counts.join(', ')}.`);
  }
  if (!summary.complete) lines.push('Warning: Terraform marked this plan incomplete or errored; it may not show every change.');
  for (const warning of summary.warnings) lines.push(`WARNING: ${warning}`);
  for (const resource of summary.resources) lines.push('', ...formatResource(resource));
  if (summary.otherChanges > 0) {
    lines.push('', `${summary.otherChanges} change${summary.otherChanges === 1 ? '' : 's'} to other resources not shown (see the full plan).`);
  }
  return `${lines.join('\n')}\n`;
}

function formatResource(resource: ResourceSummary): string[] {
  const order = resource.order === 'create-before-destroy' ? ' (new token first, old one revoked after the drain)' : '';
  // A deposed object shares the live token's address: never show it as that address being deleted.
  const heading =
    resource.deposed !== undefined
      ? `${'revoke'.padEnd(7)} ${resource.address} (deposed ${resource.deposed}: the previous token, not the current one)`
      : `${resource.action.padEnd(7)} ${resource.address}${resource.type === 'protector_token' ? order : ''}`;
  const lines = [heading];
  const detail = (label: string, text: string) => lines.push(`        ${`${label}:`.padEnd(13)}${text}`);
  resource.reasons.forEach((reason, index) => detail(index === 0 ? 'why' : '', reason));
  if (resource.file) detail('file', resource.file);
  // A deposed object's reason already names its token and fingerprint.
  if (resource.tokenId && resource.deposed === undefined) detail('token', arrow(resource.tokenId));
  // A token file's fingerprint is its token's, already shown on the token's own entry.
  if (resource.fingerprint && resource.deposed === undefined && resource.type !== 'protector_token_file') detail('fingerprint', arrow(resource.fingerprint));
  if (resource.drainTimeout && (resource.action === 'replace' || resource.deposed !== undefined)) detail('drain', `up to ${resource.drainTimeout}`);
  if (resource.registrations) detail('updates', resource.registrations.join(', '));
  for (const warning of resource.warnings) detail('WARNING', warning);
  return lines.map((line) => line.replace(/\s+$/, '').replace(/^( {8}):( +)/, '$1 $2'));
}

function arrow(change: ValueChange): string {
  if (change.before !== undefined && change.after !== undefined) {
    return change.before === change.after ? `${change.before} (unchanged)` : `${change.before} → ${change.after}`;
  }
  if (change.after !== undefined) return `new: ${change.after}`;
  return `${change.before} (goes away)`;
}
