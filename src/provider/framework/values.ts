/** Pure helpers over framework values and schemas. */
import { Unknown, type AttributeType, type BlockSchema, type Model, type ObjectSchema, type UnknownValue, type Value } from './types';

export function isObject(value: Value): value is { [k: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A computed value read from state (ids, timestamps), where it is always known: the model types
 * allow Unknown because the same model also describes plans.
 */
export function known<T extends Value>(value: T | UnknownValue): T {
  if (value === Unknown) throw new Error('a computed attribute was unknown where state must be known');
  return value;
}

/** True when the value holds no Unknown anywhere. */
export function isWhollyKnown(value: Value): boolean {
  if (value === Unknown) return false;
  if (Array.isArray(value)) return value.every(isWhollyKnown);
  if (isObject(value)) return Object.values(value).every(isWhollyKnown);
  return true;
}

/** Structural equality; Unknown equals only Unknown. Arrays compare in order (sets arrive sorted by cty). */
export function valuesEqual(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    return keys.every((key) => Object.prototype.hasOwnProperty.call(b, key) && valuesEqual(a[key], b[key]));
  }
  return false;
}

export function cloneValue<T extends Value>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneValue) as T;
  if (isObject(value)) {
    const copy: { [k: string]: Value } = {};
    for (const key of Object.keys(value)) {
      Object.defineProperty(copy, key, { value: cloneValue(value[key]), enumerable: true, writable: true, configurable: true });
    }
    return copy as T;
  }
  return value;
}

/** The cty object type Terraform derives from a schema (blocks become objects or lists/sets of objects). */
export function impliedType(schema: ObjectSchema): AttributeType {
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

/** Replaces every Unknown with null: state never holds unknowns. Returns the paths it replaced. */
export function nullUnknowns(value: Value, path: Array<string | number> = [], found: Array<Array<string | number>> = []): { value: Value; paths: Array<Array<string | number>> } {
  const walk = (item: Value, at: Array<string | number>): Value => {
    if (item === Unknown) {
      found.push(at);
      return null;
    }
    if (Array.isArray(item)) return item.map((element, index) => walk(element, [...at, index]));
    if (isObject(item)) {
      const copy: { [k: string]: Value } = {};
      for (const key of Object.keys(item)) copy[key] = walk(item[key], [...at, key]);
      return copy;
    }
    return item;
  };
  return { value: walk(value, path), paths: found };
}
