/**
 * UpgradeResourceState semantics: the stored JSON of a state written under an older schema
 * version goes through the definition's `upgradeState`, then is read with the current schema
 * (attributes it no longer has are dropped and logged by name).
 */
import { valueFromJson } from '../codec/cty-json';
import type { Model, ResourceDefinition, StoredState, UpgradeContext, Value } from './types';
import { impliedType } from './values';

export function upgradeResourceState<D>(definition: ResourceDefinition<Model, D>, version: number, json: unknown, ctx: UpgradeContext): Value {
  const current = definition.schemaVersion ?? 0;
  let stored = json;
  if (definition.upgradeState && version < current && isStoredState(json)) {
    ctx.log.info('upgrading stored state', { resource_type: definition.typeName, from_version: version, to_version: current });
    stored = definition.upgradeState(version, json, ctx);
  }
  return valueFromJson(stored, impliedType(definition.schema), {
    onDroppedAttribute: (path) => ctx.log.debug('dropping an attribute the schema no longer has', { attribute: path.join('.') }),
  });
}

function isStoredState(json: unknown): json is StoredState {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}
