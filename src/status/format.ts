/** Renders `protector status` for a terminal: ids, fingerprints, ages and states, never a token value. */
import type { Token } from '../api/schemas';
import type { ConfigurationStatus } from './collect';

/** `3d 4h`, `5m 2s`, `12s`: the two largest units of a duration. */
export function formatAge(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = seconds;
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0 || (parts.length > 0 && parts.length < 2)) parts.push(`${count}${unit}`);
    if (parts.length === 2) break;
  }
  return parts.length > 0 ? parts.join(' ').replace(/ 0[a-z]$/, '') : '0s';
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
      lines.push(
        `    ${instance.instanceId.padEnd(20)} ${instance.status.padEnd(8)} ${instance.tokenId} ${instance.tokenFingerprint}  last seen ${seen} ago`,
      );
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
