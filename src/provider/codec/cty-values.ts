/**
 * The cty value model: what a Terraform value is once decoded (objects, lists, maps, primitives,
 * null, and unknown), and the pure helpers over it. The codecs produce and consume these values,
 * and the resource framework hands them to resource code, so the model sits below both.
 */

/** A value known only after apply ("(known after apply)" in a plan). */
export const Unknown: unique symbol = Symbol('unknown');
export type UnknownValue = typeof Unknown;

export type Value = null | string | number | boolean | UnknownValue | Value[] | { [k: string]: Value };

type PrimitiveType = 'string' | 'number' | 'bool';
export type AttributeType = PrimitiveType | readonly ['list' | 'set' | 'map', AttributeType] | readonly ['object', Readonly<Record<string, AttributeType>>];

export function isObject(value: Value): value is { [k: string]: Value } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
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
    for (const key of Object.keys(value)) setOwn(copy, key, cloneValue(value[key]));
    return copy as T;
  }
  return value;
}

/** Replaces every Unknown with null: state never holds unknowns. Returns the paths it replaced. */
export function nullUnknowns(
  value: Value,
  path: Array<string | number> = [],
  found: Array<Array<string | number>> = [],
): { value: Value; paths: Array<Array<string | number>> } {
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

/** Plain assignment would treat a "__proto__" key (a map key from config) as the prototype. */
export function setOwn(target: { [k: string]: Value }, key: string, value: Value): void {
  // Only "__proto__" has a setter on a plain object; any other key assigned is an own property already.
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  else target[key] = value;
}
