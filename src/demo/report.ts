/**
 * The demo's report: per environment what the rotation did, checked against the invariants
 * (no authentication failure, old token revoked only after every instance moved, exactly one
 * active token). Fingerprints and ids only, never a token value.
 */
import type { ActivityEvent, TokenList } from '../api/schemas';
import type { PlanSummary } from '../plan-summary';
import type { InstanceSummary } from './processes';

export interface TokenRef {
  id: string;
  fingerprint: string;
}

export interface RotationFacts {
  environment: string;
  policy: string;
  /** What the rotation's plan summary is expected to give as the reason, e.g. /rotate_after passed/. */
  expectedReason: RegExp;
  planSummary: PlanSummary;
  oldToken: TokenRef;
  newToken: TokenRef;
  instances: InstanceSummary[];
  tokens: TokenList;
  activity: ActivityEvent[];
}

export interface EnvironmentReport {
  environment: string;
  text: string;
  violations: string[];
}

export function reportRotation(facts: RotationFacts): EnvironmentReport {
  const violations: string[] = [];
  const { oldToken, newToken, instances, tokens, activity } = facts;

  const tokenChange = facts.planSummary.resources.find((r) => r.type === 'protector_token' && r.action === 'replace');
  const reason = tokenChange?.reasons.join('; ');
  if (!tokenChange) violations.push('the rotation plan did not replace the token');
  else if (!facts.expectedReason.test(reason ?? '')) violations.push(`the plan gave the reason "${reason}", expected ${facts.expectedReason}`);
  if (newToken.id === oldToken.id) violations.push(`the token was not replaced (still ${oldToken.id})`);

  const generated = activity.find((e) => e.type === 'TOKEN_GENERATED' && e.tokenId === newToken.id);
  const revoked = activity.find((e) => e.type === 'TOKEN_REVOKED' && e.tokenId === oldToken.id);
  if (!revoked) violations.push(`the old token ${oldToken.fingerprint} was not revoked`);

  const moved = instances.map((instance) => ({
    id: instance.id,
    at: activity.find((e) => e.type === 'INSTANCE_TOKEN_CHANGED' && e.instanceId === instance.id && e.tokenId === newToken.id)?.at,
  }));
  for (const { id, at } of moved) {
    if (!at) violations.push(`instance ${id} never heartbeated with the new token ${newToken.fingerprint}`);
    else if (revoked && Date.parse(at) > Date.parse(revoked.at)) {
      violations.push(`instance ${id} moved to the new token at ${at}, after the old token was revoked at ${revoked.at}`);
    }
  }

  const heartbeats = sum(instances.map((i) => i.heartbeats));
  const authFailures = sum(instances.map((i) => i.authFailures));
  const failedEvents = activity.filter((e) => e.type === 'AUTHENTICATION_FAILED').length;
  if (authFailures > 0) violations.push(`instances counted ${authFailures} authentication failure(s)`);
  if (failedEvents > 0) violations.push(`the API logged ${failedEvents} authentication failure(s)`);
  for (const instance of instances) {
    if (instance.heartbeats === 0) violations.push(`instance ${instance.id} served no heartbeat`);
    if (instance.tokensUsed.at(-1) !== newToken.fingerprint) {
      violations.push(`instance ${instance.id} ended on ${instance.tokensUsed.at(-1) ?? 'no token'}, not the new token ${newToken.fingerprint}`);
    }
  }
  if (tokens.active.length !== 1) {
    violations.push(`${tokens.active.length} active tokens (${tokens.active.map((t) => t.fingerprint).join(', ')}), expected exactly 1`);
  } else if (tokens.active[0]!.tokenId !== newToken.id) {
    violations.push(`the active token is ${tokens.active[0]!.fingerprint}, not the new token ${newToken.fingerprint}`);
  }

  const revokedText = revoked
    ? `revoked ${clockTime(revoked.at)}${generated ? `, ${seconds(Date.parse(revoked.at) - Date.parse(generated.at))} after the new token was generated` : ''}`
    : 'NOT revoked';
  const allMoved = moved.every((m) => m.at && revoked && Date.parse(m.at) <= Date.parse(revoked.at));
  const lines = [
    `${facts.environment}: ${facts.policy}`,
    `  rotated because  ${reason ?? 'no replacement was planned'}`,
    `  old token        ${oldToken.id}  ${oldToken.fingerprint}  ${revokedText}`,
    `  new token        ${newToken.id}  ${newToken.fingerprint}`,
    `  instances        ${instances.length}, ${allMoved ? 'all on the new token before the old one was revoked' : 'NOT all moved before the revoke'}`,
    `  heartbeats       ${heartbeats} served, ${authFailures} authentication failures`,
    `  active tokens    ${tokens.active.length}`,
  ];
  return { environment: facts.environment, text: lines.join('\n'), violations };
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function clockTime(iso: string): string {
  return `at ${iso.slice(11, 23)} UTC`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
