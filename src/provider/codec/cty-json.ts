/**
 * cty type JSON (Schema.Attribute.type) and the JSON state format that UpgradeResourceState
 * receives (RawState.json).
 */
import { setOwn, type AttributeType, type Value } from './cty-values';
import { CodecError } from './cty-msgpack';

/** `"string"`, `["map","string"]`, `["object",{"a":"number"}]`. */
export function typeToJson(type: AttributeType): string {
  return JSON.stringify(typeJsonValue(type));
}

function typeJsonValue(type: AttributeType): unknown {
  if (typeof type === 'string') return type;
  const [kind, inner] = type;
  if (kind === 'object') {
    const attributes: Record<string, unknown> = {};
    for (const [name, attributeType] of Object.entries(inner)) attributes[name] = typeJsonValue(attributeType);
    return ['object', attributes];
  }
  return [kind, typeJsonValue(inner)];
}

export interface JsonStateOptions {
  /** Called for each attribute in the stored state that the current schema no longer has. */
  onDroppedAttribute?(path: ReadonlyArray<string | number>): void;
}

/** Converts a JSON-encoded state to a value of the given type; unknown attributes are dropped. */
export function valueFromJson(json: unknown, type: AttributeType, options: JsonStateOptions = {}, path: Array<string | number> = []): Value {
  if (json === null || json === undefined) return null;
  if (typeof type === 'string') {
    if (type === 'string' && typeof json === 'string') return json;
    if (type === 'bool' && typeof json === 'boolean') return json;
    if (type === 'number' && typeof json === 'number') return json;
    if (type === 'number' && typeof json === 'string' && !Number.isNaN(Number(json))) return Number(json);
    throw new CodecError(`stored state has a ${typeof json} where ${type} is expected at ${path.join('.') || 'the root'}`);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(json)) throw new CodecError(`stored state has no array where ${kind} is expected at ${path.join('.')}`);
    return json.map((item, index) => valueFromJson(item, inner, options, [...path, index]));
  }
  if (typeof json !== 'object' || Array.isArray(json)) {
    throw new CodecError(`stored state has no object where ${kind} is expected at ${path.join('.') || 'the root'}`);
  }
  const source = json as Record<string, unknown>;
  const result: { [k: string]: Value } = {};
  if (type[0] !== 'object') {
    for (const key of Object.keys(source)) {
      setOwn(result, key, valueFromJson(source[key], type[1], options, [...path, key]));
    }
    return result;
  }
  const attributes = type[1];
  for (const key of Object.keys(source)) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) options.onDroppedAttribute?.([...path, key]);
  }
  for (const [name, attributeType] of Object.entries(attributes)) {
    result[name] = valueFromJson(Object.prototype.hasOwnProperty.call(source, name) ? source[name] : null, attributeType, options, [...path, name]);
  }
  return result;
}
