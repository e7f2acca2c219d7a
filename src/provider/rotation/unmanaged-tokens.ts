/**
 * Plan-time check of `protector_token`: another active token of the configuration that this
 * resource does not manage (besides the configuration's initial token). Typically two Terraform
 * states on one configuration (two stacks, or a copied state): each holds one of the 2 token
 * slots, so the next rotation of either fails at the cap in the middle of an apply. Said at plan
 * time instead, by id and fingerprint (never a value), with what to do.
 *
 * A token older than ours can also be our own previous token whose revoke a drain timeout left
 * pending (a deposed object): Terraform does not tell a plan about those, so older tokens are
 * reported only when this plan rotates (the new token would then need a third slot either way).
 */
import type { Token } from '../../api/schemas';
import type { HandlerContext, Value } from '../provider-deps';
import { Unknown } from '../provider-deps';
import { initialTokenIdOf } from './generate';

export interface PlannedToken {
  prior: { id: Value; fingerprint: Value; created_at: Value; connection_configuration_id: Value; keepers: Value };
  planned: { keepers: Value; rotate_after: Value; connection_configuration_id: Value };
}

export async function warnAboutUnmanagedTokens({ prior, planned }: PlannedToken, ctx: HandlerContext): Promise<void> {
  if (typeof prior.id !== 'string' || typeof prior.connection_configuration_id !== 'string') return;
  const configId = prior.connection_configuration_id;
  let active: Token[];
  try {
    // The list this resource's refresh just read, if it did (one read per refresh).
    active = (ctx.deps.refreshedTokenLists.take(configId, prior.id) ?? (await ctx.deps.api.listTokens(configId))).active;
  } catch {
    return; // read already reports a configuration that is gone; a plan-time hint must not fail the plan
  }
  const others = active.filter((token) => token.tokenId !== prior.id);
  if (others.length === 0) return;
  // The activity log is a hint here: a plan must not fail because it cannot be read.
  const initial = await initialTokenIdOf(configId, ctx).catch(() => undefined);
  const createdAt = typeof prior.created_at === 'string' ? Date.parse(prior.created_at) : Number.NaN;
  const rotates = planned.rotate_after === Unknown || keepersChange(prior.keepers, planned.keepers) || planned.connection_configuration_id !== configId;
  const reported = others.filter((token) => token.tokenId !== initial && (rotates || Number.isNaN(createdAt) || Date.parse(token.createdAt) > createdAt));
  for (const token of reported) {
    ctx.log.info('active token not managed by this resource', { configuration_id: configId, token_id: token.tokenId, fingerprint: token.fingerprint });
    ctx.diagnostics.warning(
      'Active Token Not Managed By This Resource',
      detailOf(token, { tokenId: prior.id, fingerprint: typeof prior.fingerprint === 'string' ? prior.fingerprint : 'fingerprint unknown' }, configId, rotates),
    );
  }
}

function detailOf(other: Token, ours: { tokenId: string; fingerprint: string }, configId: string, rotates: boolean): string {
  const consequence = rotates
    ? 'This plan rotates the token, which needs a third slot: the apply will fail at the 2-token cap. '
    : 'The next rotation of either token needs a third slot and fails at the 2-token cap in the middle of an apply. ';
  return (
    `Connection configuration ${configId} has another active token, ${other.tokenId} (${other.fingerprint}, created ${other.createdAt}), ` +
    `next to ${ours.tokenId} (${ours.fingerprint}) that this resource manages. ${consequence}` +
    'If another Terraform state manages a protector_token of this configuration (two stacks, environments or state copies ' +
    'on one configuration), keep one: give each environment its own connection configuration, or remove the resource from ' +
    'the other state (terraform state rm). If it is the previous token of this resource whose revoke a drain timeout left ' +
    'pending, apply once its instances moved to the new token. Otherwise revoke it once no instance uses it (see ' +
    '`protector status`), or import it.'
  );
}

function keepersChange(prior: Value, planned: Value): boolean {
  if (planned === Unknown) return false; // unknown until apply: the plan shows keepers as the reason if it changes
  return JSON.stringify(prior ?? null) !== JSON.stringify(planned ?? null);
}
