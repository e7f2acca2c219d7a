/**
 * PlanResourceChange semantics, following terraform-plugin-framework's contract: defaults for
 * null config, computed attributes that are null in config become Unknown on create and whenever
 * the object changes, useStateForUnknown keeps the prior value instead, requiresReplace compares
 * planned with prior, then the resource's modifyPlan has the last word.
 */
import {
  Unknown,
  type AttributePath,
  type AttributeSchema,
  type HandlerContext,
  type Model,
  type ObjectSchema,
  type PlanRequest,
  type ResourceDefinition,
  type Value,
} from './types';
import { cloneValue, isObject, isWhollyKnown, valuesEqual } from '../codec/cty-values';
import { normalizeObject } from './values';

export interface PlanInput {
  /** Null on create. */
  prior: Value;
  /** Null on destroy. */
  proposed: Value;
  config: Value;
}

export interface PlanResult {
  /** Null on destroy. */
  planned: Model | null;
  requiresReplace: AttributePath[];
}

export async function planResourceChange<D>(definition: ResourceDefinition<Model, D>, input: PlanInput, ctx: HandlerContext<D>): Promise<PlanResult> {
  const { schema } = definition;
  const prior = input.prior === null ? null : normalizeObject(input.prior, schema);

  if (input.proposed === null) {
    if (prior !== null && definition.planDestroy) await definition.planDestroy(prior, ctx);
    return { planned: null, requiresReplace: [] };
  }

  const config = normalizeObject(input.config, schema);
  const planned = normalizeObject(cloneValue(input.proposed), schema);

  applyDefaults(schema, config, planned);
  if (prior === null || !valuesEqual(planned, prior)) markComputedUnknown(schema, config, planned);

  const keptFromState: AttributePath[] = [];
  const requiresReplace: AttributePath[] = [];
  if (prior !== null) {
    useStateForUnknown(schema, config, prior, planned, [], keptFromState);
    collectRequiresReplace(schema, prior, planned, [], requiresReplace);
  }

  if (definition.modifyPlan) {
    const request: PlanRequest<Model> = {
      prior,
      config,
      planned,
      requireReplace(attribute, reason) {
        if (!requiresReplace.some((path) => path.length === 1 && path[0] === attribute)) requiresReplace.push([attribute]);
        ctx.log.debug('plan requires replacement', { attribute, reason: reason ?? 'modifyPlan' });
      },
    };
    await definition.modifyPlan(request, ctx);
  }

  // A replacement creates a new object: values kept from the old one would be wrong.
  if (prior !== null && requiresReplace.length > 0) {
    for (const path of keptFromState) revertToUnknown(planned, prior, path);
  }

  return { planned: normalizeObject(planned, schema), requiresReplace };
}

function applyDefaults(schema: ObjectSchema, config: Model | null, planned: Model): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (attribute.default === undefined) continue;
    const configured = config ? config[name] : planned[name];
    if (configured === null) planned[name] = cloneValue(attribute.default);
  }
  forEachNested(schema, config, planned, (block, configItem, plannedItem) => applyDefaults(block, configItem, plannedItem));
}

function markComputedUnknown(schema: ObjectSchema, config: Model | null, planned: Model): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (!attribute.computed || attribute.default !== undefined) continue;
    const configured = config ? config[name] : planned[name];
    if (configured === null) planned[name] = Unknown;
  }
  forEachNested(schema, config, planned, (block, configItem, plannedItem) => markComputedUnknown(block, configItem, plannedItem));
}

function useStateForUnknown(schema: ObjectSchema, config: Model | null, prior: Model, planned: Model, at: AttributePath, kept: AttributePath[]): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (!attribute.useStateForUnknown) continue;
    const configured = config ? config[name] : null;
    if (planned[name] === Unknown && configured === null && prior[name] !== null) {
      planned[name] = cloneValue(prior[name]);
      kept.push([...at, name]);
    }
  }
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    if (block.nesting === 'set') continue; // set elements have no stable identity to pair with prior
    const pairs = pairItems(config?.[name] ?? null, prior[name], planned[name], block.nesting === 'single');
    for (const { index, configItem, priorItem, plannedItem } of pairs) {
      if (priorItem === null) continue;
      const path = index === undefined ? [...at, name] : [...at, name, index];
      useStateForUnknown(block, configItem, priorItem, plannedItem, path, kept);
    }
  }
}

function collectRequiresReplace(schema: ObjectSchema, prior: Model, planned: Model, at: AttributePath, out: AttributePath[]): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    if (attribute.requiresReplace && changeForcesReplacement(attribute, prior[name], planned[name])) out.push([...at, name]);
  }
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    if (valuesEqual(prior[name], planned[name])) continue;
    if (block.requiresReplace || block.nesting === 'set') {
      const anyNested = block.requiresReplace || Object.values(block.attributes).some((attribute) => attribute.requiresReplace);
      if (anyNested) out.push([...at, name]);
      continue;
    }
    for (const { index, priorItem, plannedItem } of pairItems(null, prior[name], planned[name], block.nesting === 'single')) {
      if (priorItem === null) continue;
      collectRequiresReplace(block, priorItem, plannedItem, index === undefined ? [...at, name] : [...at, name, index], out);
    }
  }
}

function changeForcesReplacement(attribute: AttributeSchema, prior: Value, planned: Value): boolean {
  if (valuesEqual(prior, planned)) return false;
  if (attribute.requiresReplace === true) return true;
  if (typeof attribute.requiresReplace !== 'object') return false;
  // The predicate sees known values only; an unknown new value may be anything, so replace.
  if (!isWhollyKnown(prior) || !isWhollyKnown(planned)) return true;
  return attribute.requiresReplace.when(prior, planned);
}

function revertToUnknown(planned: Model, prior: Model, path: AttributePath): void {
  let plannedCursor: Value = planned;
  let priorCursor: Value = prior;
  for (const step of path.slice(0, -1)) {
    plannedCursor = stepInto(plannedCursor, step);
    priorCursor = stepInto(priorCursor, step);
  }
  const last = path[path.length - 1];
  if (isObject(plannedCursor) && isObject(priorCursor) && typeof last === 'string' && valuesEqual(plannedCursor[last], priorCursor[last])) {
    plannedCursor[last] = Unknown;
  }
}

function stepInto(value: Value, step: string | number): Value {
  if (Array.isArray(value) && typeof step === 'number') return value[step] ?? null;
  if (isObject(value) && typeof step === 'string') return value[step] ?? null;
  return null;
}

interface ItemPair {
  index: number | undefined;
  configItem: Model | null;
  priorItem: Model | null;
  plannedItem: Model;
}

/** Pairs a block's planned objects with config and prior objects: single blocks directly, lists by index. */
function pairItems(config: Value, prior: Value, planned: Value, single: boolean): ItemPair[] {
  const asModel = (value: Value | undefined): Model | null => (value !== undefined && isObject(value) ? value : null);
  if (single) {
    const plannedItem = asModel(planned);
    return plannedItem ? [{ index: undefined, configItem: asModel(config), priorItem: asModel(prior), plannedItem }] : [];
  }
  if (!Array.isArray(planned)) return [];
  const pairs: ItemPair[] = [];
  planned.forEach((item, index) => {
    const plannedItem = asModel(item);
    if (!plannedItem) return;
    pairs.push({
      index,
      configItem: Array.isArray(config) ? asModel(config[index]) : null,
      priorItem: Array.isArray(prior) ? asModel(prior[index]) : null,
      plannedItem,
    });
  });
  return pairs;
}

/**
 * Visits nested block objects with their config counterparts. Set elements are not paired with
 * config (no stable order), so `config` is null there and the planned value stands in for it.
 */
function forEachNested(schema: ObjectSchema, config: Model | null, planned: Model, visit: (block: ObjectSchema, config: Model | null, planned: Model) => void): void {
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const configValue = block.nesting === 'set' || !config ? null : config[name];
    for (const { configItem, plannedItem } of pairItems(configValue, null, planned[name], block.nesting === 'single')) {
      visit(block, block.nesting === 'set' ? null : configItem, plannedItem);
    }
  }
}
