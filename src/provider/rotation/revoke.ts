/**
 * Retiring a managed token: the delete half of a rotation (after the drain) or a destroy. The API
 * never revokes the last active token, so that case is a warning on destroy and an error on a
 * replacement that lacks create_before_destroy.
 */
import { LastActiveTokenError, NotFoundError } from '../../api/errors';
import type { TokenList } from '../../api/schemas';
import type { HandlerContext } from '../provider-deps';
import { waitForDrain, type TokenRef } from './drain';
import { CreateBeforeDestroyRequiredError } from './errors';

export interface RevokeOptions {
  requireDrain: boolean;
  drainTimeoutMs: number;
}

export async function revokeManagedToken(token: TokenRef, configId: string, options: RevokeOptions, ctx: HandlerContext): Promise<void> {
  let tokens: TokenList;
  try {
    tokens = await ctx.deps.api.listTokens(configId);
  } catch (error) {
    if (error instanceof NotFoundError) return; // the configuration is gone, and its tokens with it
    throw error;
  }
  if (!tokens.active.some((t) => t.tokenId === token.tokenId)) return; // already revoked: the goal holds
  if (tokens.active.length === 1) return keepOnlyActiveToken(token, configId, ctx);

  if (options.requireDrain) await waitForDrain(token, configId, options.drainTimeoutMs, ctx);
  try {
    await ctx.deps.api.revokeToken(configId, token.tokenId);
    ctx.log.info('revoked old token', { configuration_id: configId, token_id: token.tokenId, fingerprint: token.fingerprint });
  } catch (error) {
    if (error instanceof NotFoundError) return;
    // Another token was revoked meanwhile (by hand, or by another run): this one is the last now.
    if (error instanceof LastActiveTokenError) return keepOnlyActiveToken(token, configId, ctx);
    throw error;
  }
}

/** Says at plan time that destroying the only active token leaves it active, instead of surprising at apply. */
export async function warnIfOnlyActiveToken(token: TokenRef, configId: string, ctx: HandlerContext): Promise<void> {
  let tokens: TokenList;
  try {
    // The list this resource's refresh just read, if it did (one read per refresh).
    tokens = ctx.deps.refreshedTokenLists.take(configId, token.tokenId) ?? (await ctx.deps.api.listTokens(configId));
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  const [only, ...others] = tokens.active;
  if (only?.tokenId === token.tokenId && others.length === 0) {
    ctx.diagnostics.warning('Only Active Token Stays Active', onlyActiveTokenDetail(token, configId));
  }
}

/** Fine on destroy (deleting the configuration revokes it); on a replacement create_before_destroy is missing. */
function keepOnlyActiveToken(token: TokenRef, configId: string, ctx: HandlerContext): void {
  if (ctx.deleteReason === 'replace') throw new CreateBeforeDestroyRequiredError(token, configId);
  ctx.diagnostics.warning('Only Active Token Stays Active', onlyActiveTokenDetail(token, configId));
}

function onlyActiveTokenDetail(token: TokenRef, configId: string): string {
  return (
    `Token ${token.tokenId} (${token.fingerprint}) is the only active token of ${configId}, and the API never revokes ` +
    'the last active token, so destroying this resource leaves it active: Protector instances keep working. It is ' +
    'revoked when the connection configuration is deleted, or by hand once another token replaced it.'
  );
}
