/**
 * cty values <-> MessagePack, as Terraform's DynamicValue.msgpack carries them
 * (hashicorp/terraform docs/plugin-protocol/object-wire-format.md). Decoding and encoding are
 * driven by the expected type: sets travel as arrays, objects as maps holding every attribute,
 * null as nil, unknown as an extension (we write fixext1 type 0; we read any extension type,
 * including type 12 refined unknowns, as unknown since we do not use refinements).
 */
import { setOwn, Unknown, type AttributeType, type Value } from './cty-values';
import { MsgpackFormatError, MsgpackReader, type Head } from './msgpack-reader';
import { MsgpackWriter } from './msgpack-writer';

export class CodecError extends Error {}

export function decodeMsgpack(bytes: Uint8Array, type: AttributeType): Value {
  const reader = new MsgpackReader(bytes);
  try {
    const value = decodeItem(reader, type, []);
    if (!reader.done) throw new CodecError('trailing bytes after the MessagePack value');
    return value;
  } catch (error) {
    if (error instanceof MsgpackFormatError) throw new CodecError(error.message);
    throw error;
  }
}

export function encodeMsgpack(value: Value, type: AttributeType): Uint8Array {
  const writer = new MsgpackWriter();
  encodeItem(writer, value, type, []);
  return writer.finish();
}

type Path = Array<string | number>;

function where(path: Path): string {
  return path.length === 0 ? 'the root value' : path.map(String).join('.');
}

function decodeItem(reader: MsgpackReader, type: AttributeType, path: Path): Value {
  const head = reader.next();
  if (head.kind === 'nil') return null;
  if (head.kind === 'ext') return Unknown;
  if (typeof type === 'string') return decodePrimitive(head, type, path);
  const [kind, inner] = type;
  switch (kind) {
    case 'list':
    case 'set': {
      expect(head, 'array', type, path);
      const count = (head as { count: number }).count;
      const items: Value[] = [];
      for (let i = 0; i < count; i++) items.push(decodeAt(reader, inner, path, i));
      return items;
    }
    case 'map': {
      expect(head, 'map', type, path);
      const count = (head as { count: number }).count;
      const entries: { [k: string]: Value } = {};
      for (let i = 0; i < count; i++) {
        const key = readKey(reader, path);
        setOwn(entries, key, decodeAt(reader, inner, path, key));
      }
      return entries;
    }
    case 'object': {
      expect(head, 'map', type, path);
      const count = (head as { count: number }).count;
      const attributes = inner;
      const object: { [k: string]: Value } = {};
      for (let i = 0; i < count; i++) {
        const key = readKey(reader, path);
        const attributeType = Object.prototype.hasOwnProperty.call(attributes, key) ? attributes[key] : undefined;
        if (attributeType === undefined) throw new CodecError(`unexpected attribute "${key}" in ${where(path)}`);
        setOwn(object, key, decodeAt(reader, attributeType, path, key));
      }
      for (const name of Object.keys(attributes)) if (!(name in object)) setOwn(object, name, null);
      return object;
    }
  }
}

/**
 * Decodes the item at `path` + `step`. The path is one array, extended and restored around each
 * item rather than copied for it: it is only read when an error names where it happened.
 */
function decodeAt(reader: MsgpackReader, type: AttributeType, path: Path, step: string | number): Value {
  path.push(step);
  const value = decodeItem(reader, type, path);
  path.pop();
  return value;
}

function decodePrimitive(head: Head, type: 'string' | 'number' | 'bool', path: Path): Value {
  if (type === 'string' && head.kind === 'string') return head.value;
  if (type === 'bool' && head.kind === 'bool') return head.value;
  if (type === 'number') {
    if (head.kind === 'number') return head.value;
    // cty sends numbers that do not fit int64/float64 exactly as decimal strings.
    if (head.kind === 'string') {
      const parsed = Number(head.value);
      if (!Number.isNaN(parsed)) return parsed;
    }
  }
  throw new CodecError(`expected ${type} at ${where(path)}, got MessagePack ${head.kind}`);
}

function expect(head: Head, kind: 'array' | 'map', type: AttributeType, path: Path): void {
  if (head.kind !== kind) throw new CodecError(`expected ${JSON.stringify(type)} at ${where(path)}, got MessagePack ${head.kind}`);
}

function readKey(reader: MsgpackReader, path: Path): string {
  const head = reader.next();
  if (head.kind !== 'string') throw new CodecError(`expected a string key in ${where(path)}, got MessagePack ${head.kind}`);
  return head.value;
}

function encodeItem(writer: MsgpackWriter, value: Value, type: AttributeType, path: Path): void {
  if (value === null || value === undefined) return writer.nil();
  if (value === Unknown) return writer.fixext1(0, 0);
  if (typeof type === 'string') {
    const ok = (type === 'string' && typeof value === 'string') || (type === 'bool' && typeof value === 'boolean') || (type === 'number' && typeof value === 'number');
    if (!ok) throw new CodecError(`expected ${type} at ${where(path)}, got ${describe(value)}`);
    if (typeof value === 'string') return writer.string(value);
    if (typeof value === 'boolean') return writer.bool(value);
    return writer.number(value as number);
  }
  const [kind, inner] = type;
  if (kind === 'list' || kind === 'set') {
    if (!Array.isArray(value)) throw new CodecError(`expected ${kind} at ${where(path)}, got ${describe(value)}`);
    writer.arrayHeader(value.length);
    for (let index = 0; index < value.length; index++) encodeAt(writer, value[index]!, inner, path, index);
    return;
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new CodecError(`expected ${kind} at ${where(path)}, got ${describe(value)}`);
  }
  if (kind === 'map') {
    const keys = Object.keys(value);
    writer.mapHeader(keys.length);
    for (const key of keys) {
      writer.string(key);
      encodeAt(writer, value[key]!, inner, path, key);
    }
    return;
  }
  const attributes = inner as Readonly<Record<string, AttributeType>>;
  const names = Object.keys(attributes);
  for (const key of Object.keys(value)) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) throw new CodecError(`unexpected attribute "${key}" in ${where(path)}`);
  }
  writer.mapHeader(names.length);
  for (const name of names) {
    writer.string(name);
    encodeAt(writer, Object.prototype.hasOwnProperty.call(value, name) ? value[name]! : null, attributes[name]!, path, name);
  }
}

/** As {@link decodeAt}: one path array for the whole value. */
function encodeAt(writer: MsgpackWriter, value: Value, type: AttributeType, path: Path, step: string | number): void {
  path.push(step);
  encodeItem(writer, value, type, path);
  path.pop();
}

/** Names the JS type only: values may be sensitive and must not reach error messages. */
function describe(value: Value): string {
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
