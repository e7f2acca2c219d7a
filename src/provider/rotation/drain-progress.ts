/**
 * What a drain says while it waits, and how instances count. In CI the only other sign of life is
 * Terraform's "Still destroying...", so every poll logs at INFO (shown with TF_LOG=info) which
 * instances hold the old token and since when they were last seen.
 */
import type { Instance } from '../../api/schemas';
import { formatDuration } from '../../api/duration';
import type { HandlerContext } from '../provider-deps';

/**
 * The API reports an instance GOOD or WARNING while its last heartbeat is under 5 minutes old,
 * then PROBLEM; only GOOD and WARNING instances hold a drain. So an instance that stopped a moment
 * ago still holds it for up to this long.
 */
const RECENTLY_SEEN_WINDOW = '5 minutes';

export const RECENTLY_SEEN_RULE =
  `An instance counts while its last heartbeat is under ${RECENTLY_SEEN_WINDOW} old (status GOOD or WARNING): one that ` +
  `stopped or was removed recently keeps the drain waiting until ${RECENTLY_SEEN_WINDOW} after its last heartbeat, then stops counting.`;

export interface DrainPoll {
  token: { tokenId: string; fingerprint: string };
  stillOn: readonly Instance[];
  waitedMs: number;
  timeoutMs: number;
  now: Date;
}

export function logDrainPoll(poll: DrainPoll, ctx: HandlerContext): void {
  const { token, stillOn, waitedMs, timeoutMs, now } = poll;
  const listed = stillOn.map(
    (i) => `${i.instanceId} (${i.status}, last heartbeat ${formatDuration(Math.max(0, now.getTime() - Date.parse(i.lastHeartbeatAt)), { wholeSeconds: true })} ago)`,
  );
  ctx.log.info(
    `waiting for instances to move off the old token before revoking it: ${token.tokenId} (${token.fingerprint}) is still used by ` +
      `${listed.join(', ')}; waited ${formatDuration(waitedMs)} of ${formatDuration(timeoutMs)}`,
    {
      token_id: token.tokenId,
      fingerprint: token.fingerprint,
      instances: stillOn.map((i) => i.instanceId).join(','),
      waited_ms: waitedMs,
      timeout_ms: timeoutMs,
    },
  );
}
