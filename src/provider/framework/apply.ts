/**
 * ApplyResourceChange, ReadResource and ImportResourceState semantics. Every call works on its
 * own copies of the values it gets, so Terraform's concurrent calls share nothing mutable.
 */
import { reportThrown } from './thrown-errors';
import type { AttributePath, DataSourceDefinition, HandlerContext, Model, ObjectSchema, ResourceDefinition, Value } from './types';
import { Unknown } from './types';
import { cloneValue, isObject, nullUnknowns } from '../codec/cty-values';
import { normalizeObject } from './values';

export interface ApplyInput {
  /** Null on create. */
  prior: Value;
  /** Null on destroy. */
  planned: Value;
}

/** Returns the new state: null when the object does not exist (deleted, or create failed). */
export async function applyResourceChange<D>(definition: ResourceDefinition<Model, D>, input: ApplyInput, ctx: HandlerContext<D>): Promise<Model | null> {
  const { schema } = definition;
  const prior = input.prior === null ? null : normalizeObject(cloneValue(input.prior), schema);

  if (input.planned === null) {
    if (prior === null) return null;
    try {
      await definition.delete(prior, ctx);
      return null;
    } catch (error) {
      reportThrown(error, ctx.diagnostics, ctx.log, `deleted ${definition.typeName}`);
      return prior; // still exists as far as we know: the next plan retries the delete
    }
  }

  const planned = normalizeObject(cloneValue(input.planned), schema);
  let result: Model;
  try {
    result = prior === null ? await definition.create(planned, ctx) : await definition.update(prior, planned, ctx);
  } catch (error) {
    reportThrown(error, ctx.diagnostics, ctx.log, `${prior === null ? 'created' : 'updated'} ${definition.typeName}`);
    // Nothing created / the object as it was: the next plan sees the difference and repairs it.
    return prior;
  }
  return checkedState(definition, normalizeObject(result, schema), planned, ctx);
}

/** Returns the refreshed state, or null when the object is gone (Terraform drops it from state). */
export async function readResource<D>(definition: ResourceDefinition<Model, D>, state: Value, ctx: HandlerContext<D>): Promise<Model | null> {
  if (state === null) return null;
  const current = normalizeObject(cloneValue(state), definition.schema);
  let result: Model | null;
  try {
    result = await definition.read(current, ctx);
  } catch (error) {
    reportThrown(error, ctx.diagnostics, ctx.log, `read ${definition.typeName}`);
    return current;
  }
  if (result === null) {
    ctx.log.info('object no longer exists; removing it from state', { resource_type: definition.typeName });
    return null;
  }
  return withoutUnknowns(definition.typeName, normalizeObject(result, definition.schema), ctx);
}

/** Returns the imported state (then read by Terraform), or null with an error diagnostic. */
export async function importResource<D>(definition: ResourceDefinition<Model, D>, id: string, ctx: HandlerContext<D>): Promise<Model | null> {
  let result: Model | null;
  try {
    result = definition.importState ? await definition.importState(id, ctx) : importById(definition.schema, id);
  } catch (error) {
    reportThrown(error, ctx.diagnostics, ctx.log, `imported ${definition.typeName}`);
    return null;
  }
  if (ctx.diagnostics.hasErrors()) return null;
  if (result === null) {
    ctx.diagnostics.error(
      'Cannot Import Non-Existent Remote Object',
      `No ${definition.typeName} with the id "${id}" exists. Check the id, and that the provider's credentials can see it.`,
    );
    return null;
  }
  return withoutUnknowns(definition.typeName, normalizeObject(result, definition.schema), ctx);
}

export async function readDataSource<D>(definition: DataSourceDefinition<Model, D>, config: Value, ctx: HandlerContext<D>): Promise<Model | null> {
  const input = normalizeObject(cloneValue(config), definition.schema);
  let result: Model;
  try {
    result = await definition.read(input, ctx);
  } catch (error) {
    reportThrown(error, ctx.diagnostics, ctx.log, `read data source ${definition.typeName}`);
    return null;
  }
  return withoutUnknowns(definition.typeName, normalizeObject(result, definition.schema), ctx);
}

/** Without an importState handler, the id is the only thing known until read fills the rest. */
function importById(schema: ObjectSchema, id: string): Model {
  if (!schema.attributes.id) throw new Error('resource has no "id" attribute and no importState handler');
  return normalizeObject({ id }, schema);
}

/** Every known planned value must land in state unchanged, and state holds no unknowns. */
function checkedState<D>(definition: ResourceDefinition<Model, D>, result: Model, planned: Model, ctx: HandlerContext<D>): Model {
  const changed: AttributePath[] = [];
  findChangedKnownValues(planned, result, [], changed);
  if (changed.length > 0) {
    ctx.diagnostics.error(
      'Provider Produced Inconsistent Result',
      `After applying ${definition.typeName}, the provider returned values that differ from the plan for: ${changed.map(formatPath).join(', ')}. ` +
        'This is a bug in the protector provider; please report it.',
    );
    ctx.log.error('state differs from known planned values', { resource_type: definition.typeName, attributes: changed.map(formatPath).join(',') });
  }
  return withoutUnknowns(definition.typeName, result, ctx);
}

function findChangedKnownValues(planned: Value, actual: Value, at: AttributePath, out: AttributePath[]): void {
  if (planned === Unknown) return;
  if (isObject(planned) && isObject(actual)) {
    for (const key of Object.keys(planned)) findChangedKnownValues(planned[key], actual[key] ?? null, [...at, key], out);
    return;
  }
  if (Array.isArray(planned) && Array.isArray(actual) && planned.length === actual.length) {
    planned.forEach((item, index) => findChangedKnownValues(item, actual[index], [...at, index], out));
    return;
  }
  // Scalars compare by value; containers that got here differ in shape.
  if (planned !== actual || isObject(planned) || Array.isArray(planned)) out.push(at);
}

function withoutUnknowns(typeName: string, state: Model, ctx: Pick<HandlerContext, 'diagnostics'>): Model {
  const { value, paths } = nullUnknowns(state);
  if (paths.length > 0) {
    ctx.diagnostics.error(
      'Provider Returned Unknown Values',
      `The provider left ${paths.map(formatPath).join(', ')} of ${typeName} unknown after the operation. This is a bug in the protector provider; please report it.`,
    );
  }
  return value as Model;
}

function formatPath(path: AttributePath): string {
  return path
    .map((step) => (typeof step === 'number' ? `[${step}]` : step))
    .join('.')
    .replace(/\.\[/g, '[');
}
