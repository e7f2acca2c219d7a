/** Renders `protector status` for a terminal: ids, fingerprints, ages and states, never a token value. */
import { formatDuration } from '../api/duration';
import type { Token } from '../api/schemas';
import type { ConfigurationStatus } from './collect';

/** `3d 4h`, `5m 2s`, `12s`: ages tick in whole seconds. */
function formatAge(ms: number): string {
  return formatDuration(ms, { wholeSeconds: true });
}

export function formatStatusText(statuses: ConfigurationStatus[], now: number = Date.now()): string {
  if (statuses.length === 0) return 'No connection configurations.\n';
  const lines: string[] = [];
  for (const { configuration, tokens, instances } of statuses) {
    if (lines.length > 0) lines.push('');
    lines.push(`${configuration.connectionConfigurationId}  ${JSON.stringify(configuration.name)}  ${configuration.deploymentType}`);
    lines.push(`  tokens (${tokens.active.length} active${tokens.active.length === 2 ? ', at the cap of 2: rotation needs a revoke first' : ''}):`);
    for (const token of tokens.active) lines.push(`    ${tokenLine(token, now)}`);
    for (const token of tokens.revoked) lines.push(`    ${tokenLine(token, now)}`);
    lines.push(`  instances (${instances.length}):`);
    if (instances.length === 0) lines.push('    none seen');
    for (const instance of instances) {
      const seen = formatAge(now - Date.parse(instance.lastHeartbeatAt));
      lines.push(`    ${instance.instanceId.padEnd(20)} ${instance.status.padEnd(8)} ${instance.tokenId} ${instance.tokenFingerprint}  last seen ${seen} ago`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function tokenLine(token: Token, now: number): string {
  const age = `age ${formatAge(now - Date.parse(token.createdAt))}`;
  const revoked =
    token.status === 'REVOKED' && token.revokedAt
      ? `, revoked ${formatAge(now - Date.parse(token.revokedAt))} ago${token.revokeReason ? ` (${token.revokeReason})` : ''}`
      : '';
  return `${token.status.padEnd(8)} ${token.tokenId}  ${token.fingerprint}  ${age}${revoked}`;
}
