/**
 * `protector_token`: one token of a connection configuration, rotated by replacement.
 *
 * Rotation = replacement. With `lifecycle { create_before_destroy = true }` Terraform creates the
 * new token, updates everything that depends on it, and only then deletes the old one; the delete
 * waits until no recently seen instance authenticates with the old token (the drain), then
 * revokes it. Crash safety comes from a deterministic Idempotency-Key: the successor of a given
 * token (or the first token of a configuration) is always generated under the same key, so a
 * retry after a crash gets the token the crashed run generated instead of a second one.
 */
import type { Instance, Token, TokenList, TokenWithValue } from '../../api/schemas';
import { ConnectionConfigurationIdSchema, TokenIdSchema } from '../../api/schemas';
import { LastActiveTokenError, MaxActiveTokensError, NotFoundError, TokenNotActiveError } from '../../api/errors';
import type { Diagnostics, HandlerContext, ObjectSchema, PlanRequest, UnknownValue, Value } from '../framework/types';
import { defineResource, Unknown } from '../framework/types';
import { known } from '../framework/values';
import { DURATION_HINT, durationProblem, formatDuration, parseDuration } from './duration';
import { CreateBeforeDestroyRequiredError, DrainCancelledError, DrainTimeoutError, TokenCapReachedError } from './token-errors';
import { configurationIdProblem } from './tokens-data-source';
import { warnAboutUnmanagedTokens } from './unmanaged-token-check';
import { logDrainPoll } from './drain-progress';

export const TOKEN_TYPE = 'protector_token';

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_ROTATION_PERIOD_MS = 365 * DAY_MS;
const RECOMMENDED_ROTATION_PERIOD_MS = 182 * DAY_MS;
const MAX_DRAIN_TIMEOUT_MS = 24 * 60 * 60 * 1000;
export const DEFAULT_DRAIN_TIMEOUT = '10m';
/** How often the drain wait polls the instance list. */
export const DRAIN_POLL_MS = 1000;
/** Rounds of fresh idempotency keys when a key's token was revoked since or is in use (see generateCrashSafely). */
const MAX_KEY_ROUNDS = 5;
const IMPORT_ID_FORMAT = 'CONFIG_ID/TOKEN_ID, such as "ccfg_8h2k4m9x1q/tok_3n5p7r9t2v"';

const REVOKE_REASONS: Record<string, string> = {
  MANUAL: 'it was revoked by hand (Control Center or the API)',
  LICENSE_EXPIRED: 'the license expired, which revokes every token',
  CONFIGURATION_DELETED: 'its connection configuration was deleted',
};

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema: ObjectSchema = {
  attributes: {
    id: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'The token id assigned by the API, such as `tok_3n5p7r9t2v`.',
    },
    connection_configuration_id: {
      type: 'string',
      required: true,
      requiresReplace: true,
      description: 'The connection configuration the token belongs to. Changing it creates a token of the other configuration.',
      validate: configurationIdProblem,
    },
    rotation_period: {
      type: 'string',
      optional: true,
      description:
        `How long a token lives before \`terraform plan\` proposes replacing it, as ${DURATION_HINT}. More than ` +
        '365 days is an error; more than 182 days is a warning (rotate at least twice a year). A change that makes ' +
        'the token due plans a replacement; otherwise it only moves `rotate_after`. Without it the token is only ' +
        'rotated by a `keepers` change.',
      validate: rotationPeriodProblem,
    },
    keepers: {
      type: ['map', 'string'],
      optional: true,
      requiresReplace: true,
      description:
        'Arbitrary values; any change creates a new token at once (rotation on demand, for example after a suspected leak).',
    },
    drain_timeout: {
      type: 'string',
      optional: true,
      computed: true,
      default: DEFAULT_DRAIN_TIMEOUT,
      description:
        `How long revoking the old token waits for every recently seen Protector instance to move to the new one, as ${DURATION_HINT}. ` +
        `At most 24h. Defaults to \`"${DEFAULT_DRAIN_TIMEOUT}"\`.`,
      validate: (value) => (typeof value === 'string' ? drainTimeoutProblem(value) : undefined),
    },
    require_drain: {
      type: 'bool',
      optional: true,
      computed: true,
      default: true,
      description:
        'Whether revoking the old token waits for the drain. `false` revokes at once, even while instances still use it. Defaults to `true`.',
    },
    value: {
      type: 'string',
      computed: true,
      sensitive: true,
      useStateForUnknown: true,
      description: 'The secret token value, for registration targets (a Kubernetes Secret, a token file). Sensitive: it lives in Terraform state only.',
    },
    fingerprint: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'Identifies the token to people and logs (`sha256:` and 12 hex digits); useless for authenticating.',
    },
    created_at: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'When the token was generated, as an RFC 3339 timestamp in UTC.',
    },
    rotate_after: {
      type: 'string',
      computed: true,
      useStateForUnknown: true,
      description: 'When the token is due: `created_at` plus `rotation_period` (RFC 3339, UTC); null without a `rotation_period`. Once passed, `terraform plan` proposes a replacement.',
    },
  },
};

// ---------------------------------------------------------------------------------------------
// Config validators
// ---------------------------------------------------------------------------------------------

function validateConfig(config: TokenModel, diagnostics: Diagnostics): void {
  const period = typeof config.rotation_period === 'string' ? parseDuration(config.rotation_period) : undefined;
  if (period !== undefined && period > RECOMMENDED_ROTATION_PERIOD_MS && period <= MAX_ROTATION_PERIOD_MS) {
    diagnostics.warning(
      'Rotation Period Longer Than Recommended',
      `rotation_period = ${JSON.stringify(config.rotation_period)} is ${formatDuration(period)}; the recommended practice is to ` +
        'rotate tokens at least twice a year. Use "182d" or less.',
      ['rotation_period'],
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Plan
// ---------------------------------------------------------------------------------------------

/**
 * Moves `rotate_after` with `rotation_period`, and plans a replacement once the token is due, so
 * the plan shows `rotate_after ... # forces replacement` rather than a deleted-outside-Terraform create.
 */
async function modifyPlan(request: PlanRequest<TokenModel>, ctx: HandlerContext): Promise<void> {
  planRotation(request, ctx);
  if (request.prior !== null) await warnAboutUnmanagedTokens({ prior: request.prior, planned: request.planned }, ctx);
}

function planRotation(request: PlanRequest<TokenModel>, ctx: HandlerContext): void {
  const { prior, planned } = request;
  if (prior === null) return;
  if ((planned.rotation_period as Value) === Unknown || prior.created_at === null) {
    planned.rotate_after = Unknown;
    return;
  }
  const rotateAfter = rotateAfterOf(prior.created_at as string, planned.rotation_period);
  const now = ctx.deps.clock.now();
  if (rotateAfter !== null && now.getTime() >= Date.parse(rotateAfter)) {
    const reason = `token ${prior.id as string} is due: rotate_after ${rotateAfter} has passed`;
    ctx.log.info('planning token rotation', { token_id: prior.id as string, fingerprint: prior.fingerprint as string, rotate_after: rotateAfter });
    request.requireReplace('rotate_after', reason);
    planned.rotate_after = Unknown;
    return;
  }
  planned.rotate_after = rotateAfter;
}

// ---------------------------------------------------------------------------------------------
// Import
// ---------------------------------------------------------------------------------------------

async function importState(id: string, ctx: HandlerContext): Promise<TokenModel | null> {
  const [configId, tokenId, ...rest] = id.split('/');
  if (
    rest.length > 0 ||
    !ConnectionConfigurationIdSchema.safeParse(configId).success ||
    !TokenIdSchema.safeParse(tokenId).success
  ) {
    ctx.diagnostics.error(
      'Unexpected Import Identifier',
      `Expected ${IMPORT_ID_FORMAT}, got ${JSON.stringify(id)}. Example: terraform import ${TOKEN_TYPE}.NAME ccfg_8h2k4m9x1q/tok_3n5p7r9t2v`,
    );
    return null;
  }
  let token: Token;
  try {
    token = await ctx.deps.api.getToken(configId!, tokenId!);
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
  if (token.status !== 'ACTIVE') {
    ctx.diagnostics.error(
      'Cannot Import A Revoked Token',
      `Token ${token.tokenId} (${token.fingerprint}) was revoked (${token.revokeReason ?? 'reason unknown'}) and can no longer be used. ` +
        'Import an active token (data source protector_tokens lists them), or let protector_token generate a new one.',
    );
    return null;
  }
  const { value } = await ctx.deps.api.getTokenValue(configId!, tokenId!);
  return stateOf(
    { connection_configuration_id: configId!, rotation_period: null, keepers: null, drain_timeout: DEFAULT_DRAIN_TIMEOUT, require_drain: true },
    token,
    value,
  );
}

// ---------------------------------------------------------------------------------------------
// Create, read, update, delete
// ---------------------------------------------------------------------------------------------

async function create(planned: TokenModel, ctx: HandlerContext): Promise<TokenModel> {
  const configId = planned.connection_configuration_id;
  const before = await ctx.deps.api.listTokens(configId);
  const initialTokenId = await initialTokenIdOf(configId, ctx);
  const token = await generateCrashSafely(configId, before, initialTokenId, ctx);
  ctx.log.info('token ready', { configuration_id: configId, token_id: token.tokenId, fingerprint: token.fingerprint });
  if (initialTokenId !== undefined && initialTokenId !== token.tokenId) await retireInitialToken(configId, initialTokenId, ctx);
  return stateOf(planned, token, token.value);
}

async function read(state: TokenModel, ctx: HandlerContext): Promise<TokenModel | null> {
  const configId = state.connection_configuration_id;
  const tokenId = known(state.id);
  let token: Token;
  try {
    token = await ctx.deps.api.getToken(configId, tokenId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    ctx.diagnostics.warning(
      'Token No Longer Exists',
      `Token ${tokenId} (${state.fingerprint as string}) of ${configId} no longer exists (its connection configuration was probably deleted). ` +
        'It is removed from state and planned for creation.',
    );
    return null;
  }
  if (token.status !== 'ACTIVE') {
    const why = REVOKE_REASONS[token.revokeReason ?? ''] ?? 'it was revoked outside Terraform';
    ctx.diagnostics.warning(
      'Token Revoked Outside Terraform',
      `Token ${token.tokenId} (${token.fingerprint}) of ${configId} was revoked at ${token.revokedAt ?? 'an unknown time'}: ${why} ` +
        `(revoke reason ${token.revokeReason ?? 'unknown'}). It is removed from state and a new token is planned; ` +
        'instances still configured with it cannot authenticate until they get the new one.',
    );
    return null;
  }
  return { ...state, fingerprint: token.fingerprint, created_at: token.createdAt };
}

async function update(prior: TokenModel, planned: TokenModel): Promise<TokenModel> {
  // Only settings change in place (rotation_period, drain_timeout, require_drain): the token stays.
  return { ...planned, rotate_after: rotateAfterOf(prior.created_at as string, planned.rotation_period) };
}

async function destroy(state: TokenModel, ctx: HandlerContext): Promise<void> {
  const configId = state.connection_configuration_id;
  const token = { tokenId: known(state.id), fingerprint: state.fingerprint as string };
  let tokens: TokenList;
  try {
    tokens = await ctx.deps.api.listTokens(configId);
  } catch (error) {
    if (error instanceof NotFoundError) return; // the configuration is gone, and its tokens with it
    throw error;
  }
  if (!tokens.active.some((t) => t.tokenId === token.tokenId)) return; // already revoked: the goal holds
  if (tokens.active.length === 1) return keepOnlyActiveToken(token, configId, ctx);

  if (state.require_drain !== false) await waitForDrain(token, configId, drainTimeoutMs(state), ctx);
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

/** The only active token cannot be revoked: say so at plan time instead of surprising at apply. */
async function planDestroy(prior: TokenModel, ctx: HandlerContext): Promise<void> {
  const configId = prior.connection_configuration_id;
  let tokens: TokenList;
  try {
    tokens = await ctx.deps.api.listTokens(configId);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
  if (tokens.active.length === 1 && tokens.active[0]!.tokenId === prior.id) {
    ctx.diagnostics.warning(
      'Only Active Token Stays Active',
      onlyActiveTokenDetail({ tokenId: prior.id as string, fingerprint: prior.fingerprint as string }, configId),
    );
  }
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

export type TokenModel = {
  id: string | UnknownValue;
  connection_configuration_id: string;
  rotation_period: string | null;
  keepers: { [k: string]: Value } | null;
  drain_timeout: string;
  require_drain: boolean;
  value: string | UnknownValue;
  fingerprint: string | UnknownValue;
  created_at: string | UnknownValue;
  rotate_after: string | null | UnknownValue;
};

type TokenSettings = Pick<TokenModel, 'connection_configuration_id' | 'rotation_period' | 'keepers' | 'drain_timeout' | 'require_drain'>;

export const tokenResource = defineResource<TokenModel>({
  typeName: TOKEN_TYPE,
  description:
    'A token of a connection configuration, rotated by replacement. Use it with ' +
    '`lifecycle { create_before_destroy = true }`: the new token is generated, everything that depends on it is ' +
    'updated, and only then is the old token revoked, after every recently seen Protector instance moved to the new ' +
    'one. The first token of a configuration takes over from the initial token the API generated with it.',
  schema,
  validateConfig,
  modifyPlan,
  importState,
  create,
  read,
  update,
  delete: destroy,
  planDestroy,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers (and the API sequences they support)
// ---------------------------------------------------------------------------------------------

/**
 * The Idempotency-Key of "a new token to follow `baseTokenId`". It depends only on what the API
 * shows, not on Terraform state, so a run that crashed after the API generated the token (but
 * before the state was saved) sends the same key again and gets that same token back.
 * `round` moves on when the token generated under the previous key was revoked since, or is
 * already in use (see generateCrashSafely).
 */
export function idempotencyKeyFor(configId: string, baseTokenId: string | undefined, round: number): string {
  return `tf:${configId}:${baseTokenId ?? 'none'}${round > 0 ? `:${round}` : ''}`;
}

export function rotateAfterOf(createdAt: string, rotationPeriod: string | null): string | null {
  if (rotationPeriod === null) return null;
  const period = parseDuration(rotationPeriod);
  if (period === undefined) return null;
  return new Date(Date.parse(createdAt) + period).toISOString();
}

/**
 * Generates the new token under a key that a crashed run of the same step used too, and adopts
 * what the key replays only when it can be that crashed run's orphan.
 *
 * Terraform does not tell a create which token it replaces (its plan's private data does not
 * survive the apply-time re-plan), so the key follows the oldest active token. That goes wrong
 * when an older token this resource does not own is active: the key then replays the token the
 * previous run generated and saved, which is the very token being replaced. Two rules keep that
 * from handing one token to both the old and the new object:
 * - the initial token is skipped as the base while an instance uses it next to another token: a
 *   first create leaves it active only in that case, so the other token is ours;
 * - a replayed token that was already active is adopted only while no recently seen instance
 *   uses it: an orphan of a crash never reached an instance (dependents are updated after the
 *   state is saved), a token in use came from a finished run. Otherwise the next round's key
 *   generates a fresh token, and the cap error says what holds the second slot.
 */
async function generateCrashSafely(
  configId: string,
  before: TokenList,
  initialTokenId: string | undefined,
  ctx: HandlerContext,
): Promise<TokenWithValue> {
  const base = await keyBaseOf(configId, before, initialTokenId, ctx);
  let freedInitial = false;
  for (let round = 0; round < MAX_KEY_ROUNDS; ) {
    const idempotencyKey = idempotencyKeyFor(configId, base, round);
    try {
      const token = await ctx.deps.api.generateToken(configId, { idempotencyKey });
      if (before.active.some((t) => t.tokenId === token.tokenId) && (await instancesOn(configId, token.tokenId, ctx)).length > 0) {
        ctx.log.debug('the token generated under this key is in use, so not an orphan; using the next key', { round, token_id: token.tokenId });
        round += 1;
        continue;
      }
      return token;
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

/** The oldest active token, unless that is the initial token kept active by an instance next to another token. */
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
 */
async function initialTokenIdOf(configId: string, ctx: HandlerContext): Promise<string | undefined> {
  const { events } = await ctx.deps.api.listActivity(configId);
  const created = events.findIndex((event) => event.type === 'CONFIGURATION_CREATED');
  if (created < 0) return undefined;
  return events.slice(created + 1).find((event) => event.type === 'TOKEN_GENERATED')?.tokenId;
}

/**
 * Nobody received the initial token's value from Terraform (the configuration resource keeps it
 * out of state), so once our token is in place it only widens the attack surface: revoke it.
 *
 * Unless a recently seen instance uses it (a configuration made outside Terraform, imported with
 * its instances running). Draining it here like any revoke cannot work: everything that hands our
 * new token to instances (a token file, a Secret) depends on this resource and is updated only
 * after create returns, so the wait would always time out. So it stays active with a warning,
 * and the next generation revokes it once no instance uses it (see generateCrashSafely); until
 * then the cap error names the instances that hold it. When this create replaces a
 * protector_token that imported the initial token, the delete that follows drains and revokes it.
 *
 * Known gap: a crash after this revoke but before Terraform saved the state leaves our token
 * active and unmanaged, and the retry generates another one (its key follows the oldest active
 * token, now ours). The API history of that crash is the same as that of a later rotation, so no
 * key can tell the two apart; the cap error at the next rotation lists both tokens.
 */
async function retireInitialToken(configId: string, initialTokenId: string, ctx: HandlerContext): Promise<void> {
  const tokens = await ctx.deps.api.listTokens(configId);
  if (!tokens.active.some((t) => t.tokenId === initialTokenId) || tokens.active.length < 2) return;
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

/** Instances that authenticated with the token recently (status GOOD or WARNING, not a stale PROBLEM). */
async function instancesOn(configId: string, tokenId: string, ctx: HandlerContext): Promise<Instance[]> {
  const { instances } = await ctx.deps.api.listInstances(configId);
  return instances.filter((instance) => instance.tokenId === tokenId && instance.status !== 'PROBLEM');
}

/**
 * Polls the instance list until no recently seen instance uses the token, with progress in the
 * log. Bounded by the timeout on the injected clock and by a poll count derived from it, and cut
 * short by StopProvider.
 */
async function waitForDrain(token: { tokenId: string; fingerprint: string }, configId: string, timeoutMs: number, ctx: HandlerContext): Promise<void> {
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

/**
 * The API never revokes the last active token. On destroy that is fine (deleting the configuration
 * revokes it); on a replacement it means create_before_destroy is missing.
 */
function keepOnlyActiveToken(token: { tokenId: string; fingerprint: string }, configId: string, ctx: HandlerContext): void {
  if (ctx.deleteReason === 'replace') throw new CreateBeforeDestroyRequiredError(token, configId);
  ctx.diagnostics.warning('Only Active Token Stays Active', onlyActiveTokenDetail(token, configId));
}

function onlyActiveTokenDetail(token: { tokenId: string; fingerprint: string }, configId: string): string {
  return (
    `Token ${token.tokenId} (${token.fingerprint}) is the only active token of ${configId}, and the API never revokes ` +
    'the last active token, so destroying this resource leaves it active: Protector instances keep working. It is ' +
    'revoked when the connection configuration is deleted, or by hand once another token replaced it.'
  );
}

function stateOf(settings: TokenSettings, token: Token, value: string): TokenModel {
  return {
    id: token.tokenId,
    connection_configuration_id: settings.connection_configuration_id,
    rotation_period: settings.rotation_period,
    keepers: settings.keepers,
    drain_timeout: settings.drain_timeout,
    require_drain: settings.require_drain,
    value,
    fingerprint: token.fingerprint,
    created_at: token.createdAt,
    rotate_after: rotateAfterOf(token.createdAt, settings.rotation_period),
  };
}

function drainTimeoutMs(state: TokenModel): number {
  return parseDuration(state.drain_timeout ?? DEFAULT_DRAIN_TIMEOUT) ?? parseDuration(DEFAULT_DRAIN_TIMEOUT)!;
}

function rotationPeriodProblem(value: Value): string | undefined {
  if (typeof value !== 'string') return undefined;
  const problem = durationProblem(value);
  if (problem) return problem;
  const ms = parseDuration(value)!;
  if (ms <= 0) return `expected a rotation period longer than zero, got ${JSON.stringify(value)}`;
  if (ms > MAX_ROTATION_PERIOD_MS) {
    return `expected at most 365 days (tokens must be rotated at least once a year), got ${JSON.stringify(value)} (${formatDuration(ms)})`;
  }
  return undefined;
}

function drainTimeoutProblem(value: string): string | undefined {
  const problem = durationProblem(value);
  if (problem) return problem;
  if (parseDuration(value)! > MAX_DRAIN_TIMEOUT_MS) return `expected at most "24h", got ${JSON.stringify(value)}`;
  return undefined;
}
