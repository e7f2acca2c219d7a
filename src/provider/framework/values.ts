/** Pure helpers over values and schemas (the value-only helpers are in ../codec/cty-values). */
import { isObject, Unknown, type AttributeType, type UnknownValue, type Value } from '../codec/cty-values';
import type { BlockSchema, Model, ObjectSchema } from './types';

/**
 * A computed value read from state (ids, timestamps), where it is always known: the model types
 * allow Unknown because the same model also describes plans.
 */
export function known<T extends Value>(value: T | UnknownValue): T {
  if (value === Unknown) throw new Error('a computed attribute was unknown where state must be known');
  return value;
}

/** Schemas are constant, so each one's type is derived once: every RPC decodes and encodes with it. */
const impliedTypes = new WeakMap<ObjectSchema, AttributeType>();

/** The cty object type Terraform derives from a schema (blocks become objects or lists/sets of objects). */
export function impliedType(schema: ObjectSchema): AttributeType {
  let type = impliedTypes.get(schema);
  if (type === undefined) {
    type = deriveImpliedType(schema);
    impliedTypes.set(schema, type);
  }
  return type;
}

function deriveImpliedType(schema: ObjectSchema): AttributeType {
  const attributes: Record<string, AttributeType> = {};
  for (const [name, attribute] of Object.entries(schema.attributes)) attributes[name] = attribute.type;
  for (const [name, block] of Object.entries(schema.blocks ?? {})) attributes[name] = blockType(block);
  return ['object', attributes];
}

export function blockType(block: BlockSchema): AttributeType {
  const objectType = impliedType(block);
  return block.nesting === 'single' ? objectType : [block.nesting, objectType];
}

/**
 * Fills every attribute and block of the schema (missing -> null, list/set blocks -> []), so
 * models handed to resource code always hold every key, and results sent to Terraform have the
 * shape it expects (Terraform never uses null for list/set blocks).
 */
export function normalizeObject(value: Value, schema: ObjectSchema): Model {
  const source = isObject(value) ? value : {};
  const result: Model = {};
  for (const name of Object.keys(schema.attributes)) result[name] = source[name] === undefined ? null : source[name];
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const raw = source[name] === undefined ? null : source[name];
    if (block.nesting === 'single') result[name] = raw === null || raw === Unknown ? raw : normalizeObject(raw, block);
    else if (raw === Unknown) result[name] = raw;
    else result[name] = Array.isArray(raw) ? raw.map((item) => (item === Unknown ? item : normalizeObject(item, block))) : [];
  }
  return result;
}
