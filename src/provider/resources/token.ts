/**
 * `protector_token`: one token of a connection configuration, rotated by replacement. With
 * `create_before_destroy`, create generates the successor and delete revokes the old token once
 * no instance uses it; the rotation engine (../rotation) does both, crash-safely. Why it works
 * this way: docs/design/token-rotation.md.
 */
import { DURATION_HINT, formatDuration, parseDuration } from '../../api/duration';
import { NotFoundError } from '../../api/errors';
import {
  DEFAULT_DRAIN_TIMEOUT,
  MAX_DRAIN_TIMEOUT,
  MAX_ROTATION_PERIOD_DAYS,
  MAX_ROTATION_PERIOD_MS,
  RECOMMENDED_ROTATION_PERIOD,
  RECOMMENDED_ROTATION_PERIOD_DAYS,
  RECOMMENDED_ROTATION_PERIOD_MS,
} from '../../api/rules';
import type { Token, TokenList } from '../../api/schemas';
import { ConnectionConfigurationIdSchema, TokenIdSchema } from '../../api/schemas';
import { known } from '../framework/values';
import type { Diagnostics, HandlerContext, ModelOf, ObjectSchema, Planned, PlanRequest } from '../provider-deps';
import { defineResource, Unknown } from '../provider-deps';
import { generateManagedToken } from '../rotation/generate';
import { revokeManagedToken, warnIfOnlyActiveToken } from '../rotation/revoke';
import { planStoredValue, storedValueAfterUpdate, TOKEN_SCHEMA_VERSION, upgradeTokenState } from './token-stored-value';
import { connectionConfigurationId, durationBetween, isDuration } from '../validators';
import { warnAboutUnmanagedTokens } from '../rotation/unmanaged-tokens';

const TOKEN_TYPE = 'protector_token';

const IMPORT_ID_FORMAT = 'CONFIG_ID/TOKEN_ID, such as "ccfg_8h2k4m9x1q/tok_3n5p7r9t2v"';

const REVOKE_REASONS: Record<string, string> = {
  MANUAL: 'it was revoked by hand (Control Center or the API)',
  LICENSE_EXPIRED: 'the license expired, which revokes every token',
  CONFIGURATION_DELETED: 'its connection configuration was deleted',
};

// ---------------------------------------------------------------------------------------------
// Schema
// ---------------------------------------------------------------------------------------------

const schema = {
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
      validate: connectionConfigurationId,
    },
    rotation_period: {
      type: 'string',
      optional: true,
      description:
        `How long a token lives before \`terraform plan\` proposes replacing it, as ${DURATION_HINT}. More than ` +
        `${MAX_ROTATION_PERIOD_DAYS} days is an error; more than ${RECOMMENDED_ROTATION_PERIOD_DAYS} days is a warning (rotate at least twice a year). A change that makes ` +
        'the token due plans a replacement; otherwise it only moves `rotate_after`. Without it the token is only ' +
        'rotated by a `keepers` change.',
      validate: [
        isDuration(),
        durationBetween({ aboveZero: true }, 'a rotation period longer than zero'),
        durationBetween({ max: `${MAX_ROTATION_PERIOD_DAYS}d` }, `at most ${MAX_ROTATION_PERIOD_DAYS} days (tokens must be rotated at least once a year)`),
      ],
    },
    keepers: {
      type: ['map', 'string'],
      optional: true,
      requiresReplace: true,
      description: 'Arbitrary values; any change creates a new token at once (rotation on demand, for example after a suspected leak).',
    },
    drain_timeout: {
      type: 'string',
      optional: true,
      computed: true,
      default: DEFAULT_DRAIN_TIMEOUT,
      description:
        `How long revoking the old token waits for every recently seen Protector instance to move to the new one, as ${DURATION_HINT}. ` +
        `At most ${MAX_DRAIN_TIMEOUT}. Defaults to \`"${DEFAULT_DRAIN_TIMEOUT}"\`.`,
      validate: [isDuration(), durationBetween({ max: MAX_DRAIN_TIMEOUT })],
    },
    require_drain: {
      type: 'bool',
      optional: true,
      computed: true,
      default: true,
      description: 'Whether revoking the old token waits for the drain. `false` revokes at once, even while instances still use it. Defaults to `true`.',
    },
    store_value: {
      type: 'bool',
      optional: true,
      computed: true,
      default: false,
      description:
        'Whether `value` keeps the token value in Terraform state (and so in plans and plan files). Leave it off: write-only ' +
        'attributes take the value from the ephemeral `protector_token_value`, and `protector_token_file` fetches it itself. ' +
        'Turn it on only for a consumer without a write-only attribute (Terraform < 1.11, or a provider attribute that is ' +
        'not write-only), and keep such a state in a backend only trusted readers can reach. Defaults to `false`.',
    },
    value: {
      type: 'string',
      computed: true,
      sensitive: true,
      useStateForUnknown: true,
      nullable: true,
      description:
        'The secret token value, only with `store_value = true`; null otherwise. Sensitive, and stored in state in plain text: prefer the ephemeral `protector_token_value`.',
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
      nullable: true,
      description:
        'When the token is due: `created_at` plus `rotation_period` (RFC 3339, UTC); null without a `rotation_period`. Once passed, `terraform plan` proposes a replacement.',
    },
  },
} as const satisfies ObjectSchema;

// ---------------------------------------------------------------------------------------------
// Config validators
// ---------------------------------------------------------------------------------------------

function validateConfig(config: Planned<TokenModel>, diagnostics: Diagnostics): void {
  const period = typeof config.rotation_period === 'string' ? parseDuration(config.rotation_period) : undefined;
  if (period !== undefined && period > RECOMMENDED_ROTATION_PERIOD_MS && period <= MAX_ROTATION_PERIOD_MS) {
    diagnostics.warning(
      'Rotation Period Longer Than Recommended',
      `rotation_period = ${JSON.stringify(config.rotation_period)} is ${formatDuration(period)}; the recommended practice is to ` +
        `rotate tokens at least twice a year. Use "${RECOMMENDED_ROTATION_PERIOD}" or less.`,
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
  planStoredValue(request);
  planRotation(request, ctx);
  if (request.prior !== null) await warnAboutUnmanagedTokens({ prior: request.prior, planned: request.planned }, ctx);
}

function planRotation(request: PlanRequest<TokenModel>, ctx: HandlerContext): void {
  const { prior, planned } = request;
  if (prior === null) return;
  if (planned.rotation_period === Unknown || prior.created_at === null) {
    planned.rotate_after = Unknown;
    return;
  }
  const rotateAfter = rotateAfterOf(known(prior.created_at), planned.rotation_period);
  const now = ctx.deps.clock.now();
  if (rotateAfter !== null && now.getTime() >= Date.parse(rotateAfter)) {
    const tokenId = known(prior.id);
    ctx.log.info('planning token rotation', { token_id: tokenId, fingerprint: known(prior.fingerprint), rotate_after: rotateAfter });
    request.requireReplace('rotate_after', `token ${tokenId} is due: rotate_after ${rotateAfter} has passed`);
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
    configId === undefined ||
    tokenId === undefined ||
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
    token = await ctx.deps.api.getToken(configId, tokenId);
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
  // store_value is false after an import: the value is read only if the config turns it on.
  return stateOf(
    { connection_configuration_id: configId, rotation_period: null, keepers: null, drain_timeout: DEFAULT_DRAIN_TIMEOUT, require_drain: true, store_value: false },
    token,
    null,
  );
}

// ---------------------------------------------------------------------------------------------
// Create, read, update, delete
// ---------------------------------------------------------------------------------------------

async function create(planned: TokenModel, ctx: HandlerContext): Promise<TokenModel> {
  const token = await generateManagedToken(planned.connection_configuration_id, ctx);
  return stateOf(planned, token, planned.store_value ? token.value : null);
}

async function read(state: TokenModel, ctx: HandlerContext): Promise<TokenModel | null> {
  const configId = state.connection_configuration_id;
  const tokenId = known(state.id);
  // The list, not the token: the plan that follows this refresh checks the configuration's other
  // active tokens, and takes this list instead of reading it again.
  let list: TokenList;
  try {
    list = await ctx.deps.api.listTokens(configId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return noLongerExists(state, ctx);
  }
  const active = list.active.find((token) => token.tokenId === tokenId);
  if (active !== undefined) {
    ctx.deps.refreshedTokenLists.remember(configId, tokenId, list);
    return { ...state, fingerprint: active.fingerprint, created_at: active.createdAt };
  }
  // Not active: the token itself says why (revoked, and how), or that it is gone.
  let token: Token;
  try {
    token = await ctx.deps.api.getToken(configId, tokenId);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    return noLongerExists(state, ctx);
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

function noLongerExists(state: TokenModel, ctx: HandlerContext): null {
  ctx.diagnostics.warning(
    'Token No Longer Exists',
    `Token ${known(state.id)} (${known(state.fingerprint)}) of ${state.connection_configuration_id} no longer exists (its connection configuration was probably deleted). ` +
      'It is removed from state and planned for creation.',
  );
  return null;
}

async function update(prior: TokenModel, planned: TokenModel, ctx: HandlerContext): Promise<TokenModel> {
  // Only settings change in place (rotation_period, drain_timeout, require_drain, store_value): the token stays.
  const value = await storedValueAfterUpdate(planned, ctx);
  return { ...planned, value, rotate_after: rotateAfterOf(known(prior.created_at), planned.rotation_period) };
}

async function destroy(state: TokenModel, ctx: HandlerContext): Promise<void> {
  const token = { tokenId: known(state.id), fingerprint: known(state.fingerprint) };
  const drainTimeoutMs = parseDuration(state.drain_timeout) ?? parseDuration(DEFAULT_DRAIN_TIMEOUT) ?? 0;
  await revokeManagedToken(token, state.connection_configuration_id, { requireDrain: state.require_drain !== false, drainTimeoutMs }, ctx);
}

/** The only active token cannot be revoked: say so at plan time instead of surprising at apply. */
async function planDestroy(prior: TokenModel, ctx: HandlerContext): Promise<void> {
  await warnIfOnlyActiveToken({ tokenId: known(prior.id), fingerprint: known(prior.fingerprint) }, prior.connection_configuration_id, ctx);
}

// ---------------------------------------------------------------------------------------------
// State model
// ---------------------------------------------------------------------------------------------

export type TokenModel = ModelOf<typeof schema>;

type TokenSettings = Pick<TokenModel, 'connection_configuration_id' | 'rotation_period' | 'keepers' | 'drain_timeout' | 'require_drain' | 'store_value'>;

export const tokenResource = defineResource<TokenModel>({
  typeName: TOKEN_TYPE,
  description:
    'A token of a connection configuration, rotated by replacement. Use it with ' +
    '`lifecycle { create_before_destroy = true }`: the new token is generated, everything that depends on it is ' +
    'updated, and only then is the old token revoked, after every recently seen Protector instance moved to the new ' +
    'one. The first token of a configuration takes over from the initial token the API generated with it. The state ' +
    'keeps no token value unless `store_value = true`: registrations read it from the ephemeral `protector_token_value` ' +
    '(write-only attributes) or fetch it themselves (`protector_token_file`).',
  schemaVersion: TOKEN_SCHEMA_VERSION,
  schema,
  validateConfig,
  upgradeState: upgradeTokenState,
  modifyPlan,
  importState,
  create,
  read,
  update,
  delete: destroy,
  planDestroy,
});

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

function rotateAfterOf(createdAt: string, rotationPeriod: string | null): string | null {
  if (rotationPeriod === null) return null;
  const period = parseDuration(rotationPeriod);
  if (period === undefined) return null;
  return new Date(Date.parse(createdAt) + period).toISOString();
}

function stateOf(settings: TokenSettings, token: Token, value: string | null): TokenModel {
  return {
    id: token.tokenId,
    connection_configuration_id: settings.connection_configuration_id,
    rotation_period: settings.rotation_period,
    keepers: settings.keepers,
    drain_timeout: settings.drain_timeout,
    require_drain: settings.require_drain,
    store_value: settings.store_value,
    value,
    fingerprint: token.fingerprint,
    created_at: token.createdAt,
    rotate_after: rotateAfterOf(token.createdAt, settings.rotation_period),
  };
}
