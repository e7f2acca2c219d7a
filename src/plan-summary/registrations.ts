/**
 * Which changed resources take a rotated token: token files, Kubernetes Secrets, annotated
 * Deployments. Read from the configuration's references (`protector_token.app.value`), and, for
 * plans without a configuration section, from the old token id or fingerprint in a resource's
 * redacted prior values (a token file's `token_id`, a Deployment's fingerprint annotation).
 */
import type { PlanJson, ResourceChange } from './plan-json';
import { redactValue } from './redact';
import type { ResourceSummary } from './summarize';

export function registrationsOf(plan: PlanJson, token: ResourceSummary): string[] {
  const references = referencesByAddress(plan);
  const tokenAddress = withoutIndexes(token.address);
  const oldMarks = [token.tokenId?.before, token.fingerprint?.before].filter((mark): mark is string => mark !== undefined && mark.length > 8);
  const found: string[] = [];
  for (const change of plan.resource_changes ?? []) {
    if (change.address === token.address || change.deposed !== undefined || !changes(change)) continue;
    const refs = references.get(withoutIndexes(change.address)) ?? [];
    const referencesToken = refs.some((ref) => ref === tokenAddress || ref.startsWith(`${tokenAddress}.`) || ref.startsWith(`${tokenAddress}[`));
    if (referencesToken || mentionsAny(change, oldMarks)) found.push(change.address);
  }
  return found;
}

function changes(change: ResourceChange): boolean {
  const key = change.change.actions.join(',');
  return key !== 'no-op' && key !== 'read' && key !== 'delete' && key !== 'forget';
}

/** Only non-sensitive prior values are searched: the marks are ids and fingerprints, never secrets. */
function mentionsAny(change: ResourceChange, marks: readonly string[]): boolean {
  if (marks.length === 0) return false;
  const visible = JSON.stringify(redactValue(change.change.before, change.change.before_sensitive) ?? null);
  return marks.some((mark) => visible.includes(mark));
}

/** Config address (no instance keys) -> every reference its expressions make, module-prefixed. */
function referencesByAddress(plan: PlanJson): Map<string, string[]> {
  const result = new Map<string, string[]>();
  const configuration = asRecord(plan.configuration);
  const visitModule = (module: unknown, prefix: string): void => {
    const record = asRecord(module);
    for (const resource of asArray(record.resources)) {
      const entry = asRecord(resource);
      if (typeof entry.address !== 'string') continue;
      const refs: string[] = [];
      collectReferences(entry.expressions, refs);
      result.set(
        `${prefix}${entry.address}`,
        refs.map((ref) => `${prefix}${ref}`),
      );
    }
    for (const [name, call] of Object.entries(asRecord(record.module_calls))) visitModule(asRecord(call).module, `${prefix}module.${name}.`);
  };
  visitModule(configuration.root_module, '');
  return result;
}

function collectReferences(node: unknown, into: string[]): void {
  if (Array.isArray(node)) node.forEach((item) => collectReferences(item, into));
  else if (typeof node === 'object' && node !== null) {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'references' && Array.isArray(value)) into.push(...value.filter((ref): ref is string => typeof ref === 'string'));
      else collectReferences(value, into);
    }
  }
}

function withoutIndexes(address: string): string {
  return address.replace(/\[[^\]]*\]/g, '');
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
