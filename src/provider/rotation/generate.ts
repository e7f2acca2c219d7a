/**
 * Generating a managed token, crash-safely, and retiring the initial token the API generated
 * with the configuration. The reasoning is in docs/design/token-rotation.md.
 */
import { LastActiveTokenError, MaxActiveTokensError, NotFoundError, TokenNotActiveError } from '../../api/errors';
import type { Instance, TokenList, TokenWithValue } from '../../api/schemas';
import type { HandlerContext } from '../provider-deps';
import { TokenCapReachedError } from './errors';
import { instancesOn } from './instances';

/** Rounds of fresh idempotency keys when a key's token was revoked since or is in use. */
const MAX_KEY_ROUNDS = 5;

/**
 * The Idempotency-Key of "a new token to follow `baseTokenId`". It depends only on what the API
 * shows, not on Terraform state, so a retry after a crash gets the crashed run's token back.
 * `round` moves on when that key's token was revoked since, or is already in use.
 */
export function idempotencyKeyFor(configId: string, baseTokenId: string | undefined, round: number): string {
  return `tf:${configId}:${baseTokenId ?? 'none'}${round > 0 ? `:${round}` : ''}`;
}

/** `protector_token`'s create: a new token for the configuration, the initial token retired once unused. */
export async function generateManagedToken(configId: string, ctx: HandlerContext): Promise<TokenWithValue> {
  // Two independent reads: fetched together, they cost one round trip instead of two.
  const [before, initialTokenId] = await Promise.all([ctx.deps.api.listTokens(configId), initialTokenIdOf(configId, ctx)]);
  const { token, freedInitial } = await generateCrashSafely(configId, before, initialTokenId, ctx);
  ctx.log.info('token ready', { configuration_id: configId, token_id: token.tokenId, fingerprint: token.fingerprint });
  const initialWasActive = initialTokenId !== undefined && before.active.some((t) => t.tokenId === initialTokenId);
  if (initialWasActive && !freedInitial && initialTokenId !== token.tokenId) await retireInitialToken(configId, initialTokenId, ctx);
  return token;
}

/**
 * Generates under a key that a crashed run of the same step used too, and adopts what the key
 * replays only when it can be that run's orphan: a replayed token that was already active and is
 * used by an instance came from a finished run (an orphan never reached an instance).
 */
async function generateCrashSafely(
  configId: string,
  before: TokenList,
  initialTokenId: string | undefined,
  ctx: HandlerContext,
): Promise<{ token: TokenWithValue; freedInitial: boolean }> {
  const base = await keyBaseOf(configId, before, initialTokenId, ctx);
  let freedInitial = false;
  for (let round = 0; round < MAX_KEY_ROUNDS;) {
    const idempotencyKey = idempotencyKeyFor(configId, base, round);
    try {
      const token = await ctx.deps.api.generateToken(configId, { idempotencyKey });
      if (before.active.some((t) => t.tokenId === token.tokenId) && (await instancesOn(configId, token.tokenId, ctx)).length > 0) {
        ctx.log.debug('the token generated under this key is in use, so not an orphan; using the next key', { round, token_id: token.tokenId });
        round += 1;
        continue;
      }
      return { token, freedInitial };
    } catch (error) {
      if (error instanceof TokenNotActiveError) {
        ctx.log.debug('the token generated under this key was revoked since; using the next key', { round });
        round += 1;
        continue;
      }
      if (error instanceof MaxActiveTokensError) {
        // The initial token is the one token we may revoke without owning it, and only while unused.
        const initialActive = initialTokenId !== undefined && error.activeTokens.some((t) => t.tokenId === initialTokenId);
        if (!freedInitial && initialActive) {
          const users = await revokeInitialIfIdle(configId, initialTokenId, ctx);
          if (users.length === 0) {
            freedInitial = true;
            continue;
          }
          throw new TokenCapReachedError(configId, error.activeTokens, ctx.deps.clock.now(), { tokenId: initialTokenId, users });
        }
        throw new TokenCapReachedError(configId, error.activeTokens, ctx.deps.clock.now());
      }
      throw error;
    }
  }
  throw new TokenCapReachedError(configId, (await ctx.deps.api.listTokens(configId)).active, ctx.deps.clock.now());
}

/**
 * The oldest active token, unless that is the initial token kept active by an instance next to
 * another token: a first create leaves it active only in that case, so the other token is ours.
 */
async function keyBaseOf(configId: string, before: TokenList, initialTokenId: string | undefined, ctx: HandlerContext): Promise<string | undefined> {
  const [oldest, next] = before.active;
  if (oldest?.tokenId === initialTokenId && next !== undefined && (await instancesOn(configId, oldest.tokenId, ctx)).length > 0) {
    return next.tokenId;
  }
  return oldest?.tokenId;
}

/**
 * The token the API generated together with the configuration: the first TOKEN_GENERATED after
 * CONFIGURATION_CREATED in the activity log. Undefined when the log no longer reaches back that far.
 * Read once per process: an apply that created the configuration already knows it.
 */
export async function initialTokenIdOf(configId: string, ctx: HandlerContext): Promise<string | undefined> {
  const known = ctx.deps.initialTokenIds.get(configId);
  if (known !== undefined) return known;
  const { events } = await ctx.deps.api.listActivity(configId);
  const created = events.findIndex((event) => event.type === 'CONFIGURATION_CREATED');
  if (created < 0) return undefined;
  const initial = events.slice(created + 1).find((event) => event.type === 'TOKEN_GENERATED')?.tokenId;
  if (initial !== undefined) ctx.deps.initialTokenIds.set(configId, initial);
  return initial;
}

/**
 * Nobody received the initial token's value from Terraform, so once our token is in place it only
 * widens the attack surface. It stays active (with a warning) while an instance uses it: draining
 * here would always time out, since what hands our token to instances is updated after create.
 *
 * Called only when the initial token was active before the generate and another token now is
 * too, so the token list is not read again: if the initial token was revoked meanwhile, revoking
 * it again succeeds (revoke is idempotent), and the API itself refuses to revoke the last one.
 */
async function retireInitialToken(configId: string, initialTokenId: string, ctx: HandlerContext): Promise<void> {
  const users = await revokeInitialIfIdle(configId, initialTokenId, ctx);
  if (users.length === 0) return;
  ctx.diagnostics.warning(
    'Initial Token Still In Use',
    `Token ${initialTokenId}, generated with connection configuration ${configId}, is still used by ` +
      `${users.map((i) => i.instanceId).join(', ')}, so it was left active: the configuration has 2 active tokens. ` +
      `If this apply replaces a protector_token that imported ${initialTokenId}, nothing more to do: its revoke follows ` +
      'once those instances moved to the new token. Otherwise move them to the token this resource manages (its ' +
      '`value`); the next rotation then revokes the initial token first, and until they moved it fails at the ' +
      '2-token cap, naming them.',
  );
}

/** Revokes the initial token unless a recently seen instance uses it; returns those instances. */
async function revokeInitialIfIdle(configId: string, tokenId: string, ctx: HandlerContext): Promise<Instance[]> {
  const users = await instancesOn(configId, tokenId, ctx);
  if (users.length > 0) return users;
  try {
    const revoked = await ctx.deps.api.revokeToken(configId, tokenId);
    ctx.log.info('revoked the unused initial token', { configuration_id: configId, token_id: tokenId, fingerprint: revoked.fingerprint });
  } catch (error) {
    // Revoked meanwhile, or the last active one after all: either way nothing of ours to free.
    if (!(error instanceof LastActiveTokenError || error instanceof NotFoundError)) throw error;
  }
  return [];
}
