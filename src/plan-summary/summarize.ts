/**
 * Turns a Terraform plan (JSON) into a rotation summary: for each protector resource that
 * changes, what happens to it and why. Every value is redacted by its sensitivity mask before
 * anything looks at it, so a summary can be published in a pull request.
 */
import type { AttributePath, PlanJson, ResourceChange } from './plan-json';
import { REDACTED, redactValue } from './redact';
import { orderReasons, rotateAfterReason, type Reason } from './reasons';
import { registrationsOf } from './registrations';

/** `forget`: removed from the state without being destroyed (`removed { lifecycle { destroy = false } }`). */
export type SummaryAction = 'create' | 'replace' | 'update' | 'delete' | 'forget';

/** Shown where Terraform knows a value only after apply. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

export interface ValueChange {
  before?: string;
  after?: string;
}

export interface ResourceSummary {
  address: string;
  type: string;
  action: SummaryAction;
  /** For a replacement: whether the new object is created before the old one is destroyed. */
  order?: 'create-before-destroy' | 'destroy-before-create';
  /** Why, one short phrase each, e.g. `rotate_after passed (2026-01-01T00:00:00Z)`. */
  reasons: string[];
  /** The token id (of a token, or the token a token file holds). */
  tokenId?: ValueChange;
  fingerprint?: ValueChange;
  /** The file a `protector_token_file` writes. */
  file?: string;
  /** A warning a reviewer should not miss. */
  warnings: string[];
  /**
   * Set on a deposed object (Terraform's key for it): the previous token of a replacement whose
   * revoke failed (a drain timeout). Its delete retries that revoke; the live token is untouched.
   */
  deposed?: string;
  /** A token's `drain_timeout` (of the token whose revoke waits for it). */
  drainTimeout?: string;
  /** Addresses of the changed resources that take this token (token files, Secrets, ...). */
  registrations?: string[];
}

export interface PlanSummary {
  resources: ResourceSummary[];
  counts: Record<SummaryAction, number>;
  /** Changes of resources of other providers, not detailed. */
  otherChanges: number;
  /** False when Terraform marked the plan incomplete or errored. */
  complete: boolean;
  /** Changes of protector resources this summary cannot describe (an action it does not know). */
  warnings: string[];
  /** Revokes of previous tokens that are retried (deposed objects); not counted as deletes. */
  revokeRetries?: number;
}

/** The resource types the summary details. */
function isProtectorResource(change: ResourceChange): boolean {
  return change.type.startsWith('protector_') && (change.mode ?? 'managed') === 'managed';
}

export function summarizePlan(plan: PlanJson): PlanSummary {
  const counts: Record<SummaryAction, number> = { create: 0, replace: 0, update: 0, delete: 0, forget: 0 };
  const resources: ResourceSummary[] = [];
  const warnings: string[] = [];
  let otherChanges = 0;
  let revokeRetries = 0;
  const goneOutside = new Set((plan.resource_drift ?? []).filter((drift) => drift.change.actions.join(',') === 'delete').map((drift) => drift.address));
  for (const change of plan.resource_changes ?? []) {
    const action = actionOf(change.change.actions);
    if (action === 'unchanged') continue;
    if (!isProtectorResource(change)) {
      otherChanges += 1;
      continue;
    }
    if (action === 'unknown') {
      // Only known action words are echoed: this text is published, the plan is not.
      const actions = change.change.actions.filter((word) => /^[a-z-]{1,20}$/.test(word)).join(', ');
      warnings.push(`${change.address}: Terraform plans "${actions}", which this summary does not know; read the full plan`);
      continue;
    }
    const summary = summarizeResource(change, action, goneOutside.has(change.address), plan.timestamp);
    if (summary.deposed !== undefined) revokeRetries += 1;
    else counts[action] += 1;
    resources.push(summary);
  }
  for (const summary of resources) {
    if (summary.type !== 'protector_token' || summary.deposed !== undefined || (summary.action !== 'replace' && summary.action !== 'create')) continue;
    const registrations = registrationsOf(plan, summary);
    if (registrations.length > 0) summary.registrations = registrations;
  }
  return { resources, counts, otherChanges, complete: plan.complete !== false && plan.errored !== true, warnings, revokeRetries };
}

function actionOf(actions: readonly string[]): SummaryAction | 'unchanged' | 'unknown' {
  const key = actions.join(',');
  if (key === 'create,delete' || key === 'delete,create') return 'replace';
  if (key === 'create' || key === 'update' || key === 'delete' || key === 'forget') return key;
  if (key === 'no-op' || key === 'read') return 'unchanged';
  return 'unknown';
}

/** A resource change with its values already redacted. */
interface RedactedChange {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  unknown: Record<string, unknown>;
  /**
   * Top-level attributes whose value changes (or becomes unknown), in plan order. Found on the
   * raw values: two different sensitive values look the same once redacted.
   */
  changed: string[];
}

function redactedOf(change: ResourceChange): RedactedChange {
  const raw = { before: asRecord(change.change.before), after: asRecord(change.change.after), unknown: asRecord(change.change.after_unknown) };
  const names = new Set([...Object.keys(raw.before), ...Object.keys(raw.after), ...Object.keys(raw.unknown)]);
  return {
    before: asRecord(redactValue(change.change.before, change.change.before_sensitive)),
    after: asRecord(redactValue(change.change.after, change.change.after_sensitive)),
    unknown: raw.unknown,
    changed: [...names].filter((name) => containsTrue(raw.unknown[name]) || !deepEqual(raw.before[name], raw.after[name])),
  };
}

/** `goneOutside`: the refresh found it deleted outside Terraform (a token revoked by hand or by license expiry). */
function summarizeResource(change: ResourceChange, action: SummaryAction, goneOutside: boolean, planTime: string | undefined): ResourceSummary {
  const values = redactedOf(change);
  const summary: ResourceSummary = { address: change.address, type: change.type, action, reasons: [], warnings: [] };
  if (change.deposed !== undefined) return summarizeDeposed(summary, change.deposed, values);
  if (action === 'replace') {
    summary.order = change.change.actions[0] === 'create' ? 'create-before-destroy' : 'destroy-before-create';
  }

  const actionReason = describeActionReason(change.action_reason);
  if (action === 'replace') {
    // Ordered by what forced the replacement, not by Terraform's (alphabetical) replace_paths.
    const reasons: Reason[] = actionReason ? [{ rank: 'requested', text: actionReason }] : [];
    reasons.push(...describeReplacePaths(change.change.replace_paths ?? [], values, planTime));
    summary.reasons.push(...orderReasons(reasons));
  } else if (actionReason) {
    summary.reasons.push(actionReason);
  }
  if (action === 'replace') {
    // Its reasons are complete above.
  } else if (action === 'update') {
    summary.reasons.push(...describeUpdates(change.type, values));
  } else if (action === 'create' && goneOutside) {
    summary.reasons.push(change.type === 'protector_token' ? 'revoked or deleted outside Terraform: a new token is created' : 'deleted outside Terraform: created again');
  } else if (action === 'create' && !actionReason) {
    summary.reasons.push(change.type === 'protector_token' ? 'new token' : 'new resource');
  } else if (action === 'delete' && !actionReason) {
    summary.reasons.push('planned for destruction');
  } else if (action === 'forget') {
    summary.warnings.push(forgetWarning(change.type));
  }
  if (summary.reasons.length === 0) summary.reasons.push('changed');

  const idKey = change.type === 'protector_token' ? 'id' : 'token_id';
  summary.tokenId = valueChange(values, idKey, action);
  const fingerprintKey = ['fingerprint', 'token_fingerprint'].find((key) => key in values.before || key in values.after);
  if (fingerprintKey) summary.fingerprint = valueChange(values, fingerprintKey, action);
  if (change.type === 'protector_token_file') {
    const file = textOf(values.after.path) ?? textOf(values.before.path);
    if (file) summary.file = file;
  }
  if (!summary.tokenId) delete summary.tokenId;
  if (!summary.fingerprint) delete summary.fingerprint;
  if (change.type === 'protector_token' && (action === 'replace' || action === 'delete')) {
    // The revoke of the old token waits for the old object's drain_timeout.
    const drain = textOf(values.before.drain_timeout) ?? textOf(values.after.drain_timeout);
    if (drain) summary.drainTimeout = drain;
  }

  if (change.type === 'protector_token' && summary.order === 'destroy-before-create') {
    summary.warnings.push('destroy before create: revoking the only active token fails; add lifecycle { create_before_destroy = true } to this token');
  }
  return summary;
}

/**
 * A deposed object is the previous token of a replacement whose delete failed (the drain timed
 * out): same address as the live token, but its delete only retries revoking that old token.
 */
function summarizeDeposed(summary: ResourceSummary, key: string, values: RedactedChange): ResourceSummary {
  summary.deposed = key;
  const id = textOf(values.before.id) ?? textOf(values.before.token_id);
  const fingerprint = textOf(values.before.fingerprint) ?? textOf(values.before.token_fingerprint);
  if (summary.type === 'protector_token') {
    const named = id ? `${id}${fingerprint ? ` (${fingerprint})` : ''}` : 'of an earlier replacement';
    summary.reasons.push(`retrying the revoke of the previous token ${named}`);
    const drain = textOf(values.before.drain_timeout);
    if (drain) summary.drainTimeout = drain;
  } else {
    summary.reasons.push('removing the previous object of an earlier replacement (deposed); the current one stays');
  }
  if (id) summary.tokenId = { before: id };
  if (fingerprint) summary.fingerprint = { before: fingerprint };
  return summary;
}

/** Terraform drops a forgotten resource from its state and leaves the real thing as it is. */
function forgetWarning(type: string): string {
  switch (type) {
    case 'protector_token':
      return 'Terraform forgets this token without revoking it: it stays active, and Terraform no longer rotates or revokes it';
    case 'protector_token_file':
      return 'Terraform forgets this file without deleting it: the token in it stays there and is no longer updated';
    default:
      return 'Terraform forgets this resource without destroying it: it stays as it is, no longer managed';
  }
}

function describeActionReason(reason: string | undefined): string | undefined {
  switch (reason) {
    case undefined:
    case 'replace_because_cannot_update':
      return undefined;
    case 'replace_because_tainted':
      return 'the resource is tainted';
    case 'replace_by_request':
      return 'replacement requested (-replace)';
    case 'replace_by_triggers':
      return 'replace_triggered_by changed';
    case 'delete_because_no_resource_config':
      return 'removed from the configuration';
    case 'delete_because_no_module':
      return 'its module was removed from the configuration';
    case 'delete_because_wrong_repetition':
    case 'delete_because_count_index':
    case 'delete_because_each_key':
      return 'no longer among the count/for_each instances';
    default:
      // A reason from a newer Terraform reads well enough as words; anything else is not echoed.
      return reason.startsWith('read_') || !/^[a-z_]{1,60}$/.test(reason) ? undefined : reason.replace(/_/g, ' ');
  }
}

/** One phrase per replaced attribute; every `keepers` path is folded into one phrase. */
function describeReplacePaths(paths: readonly AttributePath[], values: RedactedChange, planTime: string | undefined): Reason[] {
  const reasons: Reason[] = [];
  const keeperKeys: string[] = [];
  let wholeKeepers = false;
  for (const path of paths) {
    const [head, key] = path;
    if (head === 'keepers') {
      if (typeof key === 'string') keeperKeys.push(key);
      else wholeKeepers = true;
    } else if (head === 'rotate_after') {
      reasons.push(
        rotateAfterReason({
          priorRotateAfter: textOf(values.before.rotate_after),
          createdAt: textOf(values.before.created_at),
          periodBefore: textOf(values.before.rotation_period),
          periodAfter: textOf(values.after.rotation_period),
          planTime,
        }),
      );
    } else {
      const change = typeof head === 'string' && path.length === 1 ? scalarChange(values, head) : undefined;
      reasons.push({ rank: 'configuration', text: change ? `${pathText(path)} changed (${change})` : `${pathText(path)} changed` });
    }
  }
  if (wholeKeepers || keeperKeys.length > 0) {
    const diff = keepersDiff(values, wholeKeepers ? undefined : keeperKeys);
    reasons.push({ rank: 'keepers', text: diff ? `keepers changed (${diff})` : 'keepers changed' });
  }
  return reasons;
}

/**
 * The reasons of an in-place update. A token file's fingerprint and content hash follow its
 * token: they are reasons only when the file changed on its own (a repair).
 */
function describeUpdates(type: string, values: RedactedChange): string[] {
  let names = values.changed;
  if (type === 'protector_token_file') {
    const followers = ['fingerprint', 'content_sha256', 'token_id'];
    const rewritten = names.includes('token_id')
      ? containsTrue(values.unknown.token_id)
        ? 'rewritten with the new token'
        : 'rewritten with another token'
      : names.includes('content_sha256')
        ? 'the file is missing or was changed outside Terraform: it is rewritten'
        : undefined;
    names = names.filter((name) => !followers.includes(name));
    if (rewritten) return [rewritten, ...names.map((name) => describeUpdate(name, values))];
  }
  return names.map((name) => describeUpdate(name, values));
}

function describeUpdate(name: string, values: RedactedChange): string {
  const change = scalarChange(values, name);
  if (name === 'keepers') {
    const diff = keepersDiff(values, undefined);
    return diff ? `keepers changed (${diff})` : 'keepers changed';
  }
  return change ? `${name} changed (${change})` : `${name} changed`;
}

/** `"a" → "b"` for scalar attributes; undefined when nothing (printable) changes. */
function scalarChange(values: RedactedChange, name: string): string | undefined {
  const before = values.before[name];
  const after = containsTrue(values.unknown[name]) ? KNOWN_AFTER_APPLY : values.after[name];
  if (deepEqual(before, after)) return undefined;
  if (!isPrintable(before) || !isPrintable(after)) return undefined;
  return `${show(before)} → ${show(after)}`;
}

function valueChange(values: RedactedChange, key: string, action: SummaryAction): ValueChange | undefined {
  const before = action === 'create' ? undefined : textOf(values.before[key]);
  const after = action === 'delete' ? undefined : containsTrue(values.unknown[key]) ? KNOWN_AFTER_APPLY : textOf(values.after[key]);
  if (before === undefined && after === undefined) return undefined;
  return { ...(before !== undefined && { before }), ...(after !== undefined && { after }) };
}

/**
 * `reason: "a" → "b", ticket: (sensitive value) changed` for the keepers map: every key that
 * differs, or only `keys` when Terraform named them. A redacted key says that it changed, never how.
 */
function keepersDiff(values: RedactedChange, keys: readonly string[] | undefined): string | undefined {
  if (values.unknown.keepers === true) return `now ${KNOWN_AFTER_APPLY}`;
  // Sensitive as a whole: its keys are as secret as its values.
  if (values.before.keepers === REDACTED || values.after.keepers === REDACTED) return REDACTED;
  const before = asRecord(values.before.keepers);
  const after = asRecord(values.after.keepers);
  const unknown = asRecord(values.unknown.keepers);
  const candidates = keys ?? [...new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)])];
  const parts: string[] = [];
  for (const key of new Set(candidates)) {
    const afterValue = unknown[key] === true ? KNOWN_AFTER_APPLY : after[key];
    const redacted = before[key] === REDACTED || afterValue === REDACTED;
    // Without Terraform naming the keys, equal-looking values (redacted ones included) count as unchanged.
    if (keys === undefined && deepEqual(before[key], afterValue)) continue;
    if (!(key in before)) parts.push(`${key}: added ${show(afterValue)}`);
    else if (!(key in after) && unknown[key] !== true) parts.push(`${key}: removed`);
    else if (redacted) parts.push(`${key}: ${REDACTED} changed`);
    else parts.push(`${key}: ${show(before[key])} → ${show(afterValue)}`);
  }
  return parts.length > 0 ? parts.join(', ') : undefined;
}

function pathText(path: AttributePath): string {
  return path.map((step, index) => (typeof step === 'number' ? `[${step}]` : index === 0 ? step : `.${step}`)).join('');
}

function show(value: unknown): string {
  if (value === REDACTED || value === KNOWN_AFTER_APPLY) return value;
  if (value === null || value === undefined) return 'null';
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function isPrintable(value: unknown): boolean {
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return true;
  return typeof value === 'string' && value.length <= 100;
}

function containsTrue(mask: unknown): boolean {
  if (mask === true) return true;
  if (Array.isArray(mask)) return mask.some(containsTrue);
  if (typeof mask === 'object' && mask !== null) return Object.values(mask).some(containsTrue);
  return false;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}
