/**
 * Whether `protector_token` keeps its value in state. By default it does not: consumers read the
 * value from the ephemeral `protector_token_value` (write-only attributes) or fetch it themselves
 * (`protector_token_file`). `store_value = true` is the opt-in for consumers without a write-only
 * attribute. States written before schema version 1 always held the value; their upgrade drops it.
 */
import type { Diagnostics, HandlerContext, PlanRequest, StoredState, UnknownValue } from '../provider-deps';
import { Unknown } from '../provider-deps';

/** The schema version since which the value is stored only on request. */
export const TOKEN_SCHEMA_VERSION = 1;

interface StoredValueFields {
  store_value: boolean | UnknownValue;
  value: string | null | UnknownValue;
}

/**
 * Plans `value`: null unless `store_value` is true; with it, the stored value is kept (the
 * framework reverts it to unknown on a replacement) or, when just turned on, read at apply.
 */
export function planStoredValue<M extends StoredValueFields>(request: Pick<PlanRequest<M>, 'prior' | 'planned'>): void {
  const { prior, planned } = request;
  if (planned.store_value === Unknown) planned.value = Unknown;
  else if (planned.store_value !== true) planned.value = null;
  else if (prior === null || prior.value === null) planned.value = Unknown;
}

/** The value an update stores: the planned one, or the token's value read now when `store_value` was just turned on. */
export async function storedValueAfterUpdate(
  planned: { connection_configuration_id: string; id: string | UnknownValue; value: string | null | UnknownValue },
  ctx: HandlerContext,
): Promise<string | null> {
  if (planned.value !== Unknown) return planned.value;
  if (planned.id === Unknown) throw new Error('the token id was unknown at update');
  const { value, fingerprint } = await ctx.deps.api.getTokenValue(planned.connection_configuration_id, planned.id);
  ctx.log.info('storing the token value in state (store_value = true)', { token_id: planned.id, fingerprint });
  return value;
}

/** Version 0 -> 1: drops the value every version-0 state holds, and says so in the plan. */
export function upgradeTokenState(version: number, stored: StoredState, ctx: { diagnostics: Diagnostics }): StoredState {
  if (version >= TOKEN_SCHEMA_VERSION) return stored;
  const hadValue = typeof stored.value === 'string' && stored.value !== '';
  if (hadValue) {
    const token = `${typeof stored.id === 'string' ? stored.id : 'the token'}${typeof stored.fingerprint === 'string' ? ` (${stored.fingerprint})` : ''}`;
    ctx.diagnostics.warning(
      'Token Value Removed From State',
      `protector_token no longer keeps the token value in state unless store_value = true. The value of ${token} that an ` +
        'earlier provider version stored is dropped: the next terraform apply writes the state without it (a plan alone does ' +
        'not rewrite the state). Earlier state snapshots (terraform.tfstate.backup, backend versions) and saved plans still ' +
        'hold it: if they were shared, rotate the token (change keepers). Feed consumers from the ephemeral ' +
        'protector_token_value (write-only attributes), or set store_value = true for a consumer without one.',
    );
  }
  return { ...stored, value: null, store_value: false };
}
