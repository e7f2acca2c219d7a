/** The drain: before an old token is revoked, wait until no recently seen instance uses it. */
import type { HandlerContext } from '../provider-deps';
import { DrainCancelledError, DrainTimeoutError } from './errors';
import { instancesOn } from './instances';
import { logDrainPoll } from './drain-progress';

/** How often the drain wait polls the instance list. */
export const DRAIN_POLL_MS = 1000;

export interface TokenRef {
  tokenId: string;
  fingerprint: string;
}

/**
 * Polls the instance list until no recently seen instance uses the token, with progress in the
 * log. Bounded by the timeout on the injected clock and by a poll count derived from it (a clock
 * that stands still cannot hang it), and cut short by StopProvider.
 */
export async function waitForDrain(token: TokenRef, configId: string, timeoutMs: number, ctx: HandlerContext): Promise<void> {
  const { clock, sleep } = ctx.deps;
  const started = clock.now().getTime();
  const maxPolls = Math.ceil(timeoutMs / DRAIN_POLL_MS) + 2;
  for (let poll = 0; ; poll += 1) {
    const stillOn = await instancesOn(configId, token.tokenId, ctx);
    const waited = clock.now().getTime() - started;
    if (stillOn.length === 0) {
      if (poll > 0) ctx.log.info('every instance moved off the old token', { token_id: token.tokenId, fingerprint: token.fingerprint, waited_ms: waited });
      return;
    }
    if (waited >= timeoutMs || poll >= maxPolls) throw new DrainTimeoutError(token, stillOn, waited);
    logDrainPoll({ token, stillOn, waitedMs: waited, timeoutMs, now: clock.now() }, ctx);
    try {
      await sleep(Math.min(DRAIN_POLL_MS, Math.max(1, timeoutMs - waited)), ctx.signal);
    } catch (error) {
      // StopProvider aborted the wait: an interruption the user asked for, not a provider bug.
      if (ctx.signal.aborted) throw new DrainCancelledError(token, stillOn, clock.now().getTime() - started);
      throw error;
    }
  }
}
