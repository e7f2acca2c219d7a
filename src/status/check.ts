/**
 * `protector status --check`: what a scheduled job should alert on. Each finding is one line a
 * person can act on; token values never appear (ids and fingerprints only).
 */
import { MAX_ROTATION_PERIOD_MS } from '../api/rules';
import type { Instance, Token } from '../api/schemas';
import { formatDuration } from '../api/duration';
import type { ConfigurationStatus } from './collect';
import type { ManagedToken } from './managed-tokens';

type FindingKind = 'OVERDUE' | 'DUE_SOON' | 'AT_CAP' | 'STALE_INSTANCE' | 'UNMANAGED_TOKEN';

export interface Finding {
  kind: FindingKind;
  configurationId: string;
  tokenId?: string;
  fingerprint?: string;
  instanceId?: string;
  /** The managing resource, e.g. `protector_token.app` (in `source`). */
  address?: string;
  message: string;
}

export interface CheckOptions {
  now: Date;
  /** A token due within this is a finding too. */
  dueWithinMs: number;
  /**
   * The tokens Terraform manages (from `--state`). Undefined: no state given, so the checks that
   * need it (unmanaged tokens, each token's own rotate_after) fall back to the yearly maximum.
   */
  managed?: readonly ManagedToken[];
}

/** Instances seen this recently count: older ones are gone, not stuck. */
const RECENTLY_SEEN_MS = 60 * 60 * 1000;
/** Without state, a token is due a year after it was created: the product's maximum. */
const MAX_TOKEN_AGE_MS = MAX_ROTATION_PERIOD_MS;

export function checkStatus(statuses: readonly ConfigurationStatus[], options: CheckOptions): Finding[] {
  return statuses.flatMap((status) => checkConfiguration(status, options));
}

function checkConfiguration({ configuration, tokens, instances }: ConfigurationStatus, options: CheckOptions): Finding[] {
  const configurationId = configuration.connectionConfigurationId;
  const managedHere = options.managed?.filter((token) => token.configurationId === configurationId);
  const findings: Finding[] = [];
  const now = options.now.getTime();

  for (const token of tokens.active) {
    const managed = managedHere?.find((m) => m.tokenId === token.tokenId);
    const named = `token ${token.tokenId} (${token.fingerprint}) of ${configurationId}`;
    const where = managed ? ` (${managed.address} in ${managed.source})` : '';
    const base = { configurationId, tokenId: token.tokenId, fingerprint: token.fingerprint, ...(managed && { address: managed.address }) };

    if (managedHere !== undefined && managedHere.length > 0 && managed === undefined) {
      const owners = [...new Set(managedHere.map((m) => `${m.address} in ${m.source}`))].join(', ');
      findings.push({
        ...base,
        kind: 'UNMANAGED_TOKEN',
        message:
          `${named} is active but no given state manages it (${owners} manages ${managedHere.map((m) => m.tokenId).join(', ')}). ` +
          'If another state or a copy of this stack manages it, keep one state per configuration (remove the resource from the other state); ' +
          'otherwise revoke it once no instance uses it, or import it. It takes one of the 2 token slots, so the next rotation fails at the cap.',
      });
    }
    if (managed?.deposed) continue; // the old half of a rotation: AT_CAP says what holds it
    const due = managed?.rotateAfter ?? (managed ? undefined : new Date(Date.parse(token.createdAt) + MAX_TOKEN_AGE_MS).toISOString());
    if (due === undefined) continue; // managed without rotation_period: rotated by keepers only
    const left = Date.parse(due) - now;
    const rule = managed?.rotateAfter ? 'rotate_after' : 'the 1-year maximum age, due';
    if (left <= 0) {
      findings.push({
        ...base,
        kind: 'OVERDUE',
        message: `${named}${where} is overdue: ${rule} ${due} passed ${formatDuration(-left)} ago. Run the deploy (terraform apply / cdktf deploy) to rotate it.`,
      });
    } else if (left <= options.dueWithinMs) {
      findings.push({
        ...base,
        kind: 'DUE_SOON',
        message: `${named}${where} is due in ${formatDuration(left)} (${rule} ${due}); the next scheduled deploy rotates it.`,
      });
    }
  }

  if (tokens.active.length >= 2) {
    const deposed = managedHere?.find((m) => m.deposed && tokens.active.some((t) => t.tokenId === m.tokenId));
    const listed = tokens.active.map((t) => `${t.tokenId} (${t.fingerprint})`).join(' and ');
    findings.push({
      configurationId,
      kind: 'AT_CAP',
      message:
        `${configurationId} has 2 active tokens, the cap: ${listed}; the next rotation fails until one is revoked. ` +
        (deposed
          ? `${deposed.tokenId} is the previous token of ${deposed.address}, whose revoke did not finish (drain timeout): move the instances still on it, then apply again.`
          : 'Let a rotation in progress finish (terraform apply), or revoke the token no instance uses.'),
    });
  }

  const newest = newestOf(tokens.active);
  const revoked = new Set(tokens.revoked.map((t) => t.tokenId));
  for (const instance of recentlySeen(instances, now)) {
    const seen = `last seen ${formatDuration(Math.max(0, now - Date.parse(instance.lastHeartbeatAt)), { wholeSeconds: true })} ago`;
    const onActive = tokens.active.some((t) => t.tokenId === instance.tokenId);
    if (onActive && instance.tokenId === newest?.tokenId) continue;
    findings.push({
      configurationId,
      kind: 'STALE_INSTANCE',
      instanceId: instance.instanceId,
      tokenId: instance.tokenId,
      fingerprint: instance.tokenFingerprint,
      message: onActive
        ? `instance ${instance.instanceId} of ${configurationId} (${seen}) still uses ${instance.tokenId} (${instance.tokenFingerprint}), not the newest token ${newest!.tokenId} (${newest!.fingerprint}): make it load the new token.`
        : `instance ${instance.instanceId} of ${configurationId} (${seen}) still uses ${revoked.has(instance.tokenId) ? 'revoked' : 'inactive'} token ${instance.tokenId} (${instance.tokenFingerprint}): it cannot authenticate; give it the current token.`,
    });
  }
  return findings;
}

function newestOf(active: readonly Token[]): Token | undefined {
  return [...active].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0];
}

function recentlySeen(instances: readonly Instance[], now: number): Instance[] {
  return instances.filter((instance) => now - Date.parse(instance.lastHeartbeatAt) <= RECENTLY_SEEN_MS);
}
