import { decode as referenceDecode, ExtData } from '@msgpack/msgpack';
import { CodecError, decodeMsgpack, encodeMsgpack } from '../../../../src/provider/codec/cty-msgpack';
import { typeToJson, valueFromJson } from '../../../../src/provider/codec/cty-json';
import { Unknown, type AttributeType, type Value } from '../../../../src/provider/framework/types';

const roundTrip = (value: Value, type: AttributeType) => decodeMsgpack(encodeMsgpack(value, type), type);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('cty msgpack codec', () => {
  test.each([
    ['', 'string'],
    ['short', 'string'],
    ['x'.repeat(31), 'string'],
    ['y'.repeat(32), 'string'],
    ['z'.repeat(300), 'string'],
    ['w'.repeat(70_000), 'string'],
    ['ünïcødé ✓', 'string'],
    [true, 'bool'],
    [false, 'bool'],
  ] as Array<[Value, AttributeType]>)('round-trips %p as %s', (value, type) => {
    expect(roundTrip(value, type)).toEqual(value);
  });

  test.each([
    0,
    1,
    127,
    128,
    255,
    256,
    65535,
    65536,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    -1,
    -32,
    -33,
    -128,
    -129,
    -32768,
    -32769,
    -(2 ** 31),
    -(2 ** 31) - 1,
    -(2 ** 40),
    1.5,
    -0.25,
    1e300,
    3.141592653589793,
  ])('round-trips the number %p, and a reference MessagePack decoder reads the same number', (value) => {
    const bytes = encodeMsgpack(value, 'number');
    expect(decodeMsgpack(bytes, 'number')).toBe(value);
    expect(Number(referenceDecode(bytes, { useBigInt64: true }) as number | bigint)).toBe(value);
  });

  test('reads a number that cty sent as a decimal string (too big for int64/float64 exactly)', () => {
    const bytes = encodeMsgpack('123456789012345678901234567890', 'string');
    expect(decodeMsgpack(bytes, 'number')).toBe(Number('123456789012345678901234567890'));
  });

  test('null is nil and unknown is fixext1 type 0 with a zero payload', () => {
    expect(hex(encodeMsgpack(null, 'string'))).toBe('c0');
    expect(hex(encodeMsgpack(Unknown, 'string'))).toBe('d40000');
    expect(decodeMsgpack(Uint8Array.from([0xc0]), ['list', 'string'])).toBeNull();
    expect(decodeMsgpack(Uint8Array.from([0xd4, 0, 0]), 'number')).toBe(Unknown);
  });

  test('decodes every extension type as unknown, including type 12 refined unknowns', () => {
    // A refined unknown string "not null, known to start with 'ab'": ext8, type 12, a map of refinements.
    expect(decodeMsgpack(Uint8Array.from([0xc7, 0x06, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, 0x61, 0x62].slice(0, 9)), 'string')).toBe(Unknown);
    expect(decodeMsgpack(Uint8Array.from([0xc7, 0x07, 0x0c, 0x82, 0x01, 0xc2, 0x02, 0xa2, 0x61, 0x62]), 'string')).toBe(Unknown);
    const truncated = Uint8Array.from([0xc7, 0x06, 0x0c, 0x81, 0x02]);
    expect(decodeMsgpack(Uint8Array.from([0xd5, 0x0c, 0x01, 0x02]), 'string')).toBe(Unknown);
    expect(decodeMsgpack(Uint8Array.from([0xd8, 0x07, ...new Array(16).fill(1)]), 'bool')).toBe(Unknown);
    expect(() => decodeMsgpack(truncated, 'string')).toThrow(CodecError); // a cut-off payload is an error, not unknown
  });

  test('encodes lists, sets, maps and objects; a reference decoder sees the same structure', () => {
    const type: AttributeType = ['object', { names: ['list', 'string'], ports: ['set', 'number'], labels: ['map', 'string'], inner: ['object', { on: 'bool' }] }];
    const value: Value = { names: ['a', 'b'], ports: [80, 443], labels: { env: 'prod', team: 'edge' }, inner: { on: true } };
    const bytes = encodeMsgpack(value, type);
    expect(referenceDecode(bytes)).toEqual(value);
    expect(decodeMsgpack(bytes, type)).toEqual(value);
  });

  test('keeps nulls and unknowns nested inside collections', () => {
    const type: AttributeType = ['object', { list: ['list', 'string'], map: ['map', 'number'], gone: 'string' }];
    const value: Value = { list: ['a', null, Unknown], map: { x: Unknown, y: null }, gone: Unknown };
    const bytes = encodeMsgpack(value, type);
    const reference = referenceDecode(bytes) as Record<string, unknown>;
    expect(reference.gone).toBeInstanceOf(ExtData);
    expect(decodeMsgpack(bytes, type)).toEqual(value);
  });

  test('encodes nested blocks (a list of objects) and large collections (16-bit headers)', () => {
    const type: AttributeType = ['list', ['object', { host: 'string', port: 'number' }]];
    const value: Value = Array.from({ length: 40 }, (_, i) => ({ host: `h${i}`, port: i }));
    const bytes = encodeMsgpack(value, type);
    expect(bytes[0]).toBe(0xdc);
    expect(decodeMsgpack(bytes, type)).toEqual(value);
    const bigMap: Value = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, `v${i}`]));
    expect(roundTrip(bigMap, ['map', 'string'])).toEqual(bigMap);
  });

  test('an object missing attributes decodes with those attributes null; every attribute is encoded', () => {
    const type: AttributeType = ['object', { a: 'string', b: 'number' }];
    const partial = Uint8Array.from([0x81, 0xa1, 0x61, 0xa1, 0x78]); // {"a":"x"}
    expect(decodeMsgpack(partial, type)).toEqual({ a: 'x', b: null });
    expect(referenceDecode(encodeMsgpack({ a: 'x' }, type))).toEqual({ a: 'x', b: null });
  });

  test('a map key "__proto__" stays an ordinary key', () => {
    const value = decodeMsgpack(encodeMsgpack(JSON.parse('{"__proto__":"x","a":"y"}') as Value, ['map', 'string']), ['map', 'string']);
    expect(Object.keys(value as object)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
  });

  test('rejects type mismatches without quoting the value', () => {
    expect(() => encodeMsgpack('s3cr3t-value', 'number')).toThrow(/expected number at the root value, got a string/);
    expect(() => encodeMsgpack({ a: 1, extra: 'x' }, ['object', { a: 'number' }])).toThrow(/unexpected attribute "extra"/);
    expect(() => decodeMsgpack(encodeMsgpack('s3cr3t-value', 'string'), 'bool')).toThrow(CodecError);
    expect(() => decodeMsgpack(Uint8Array.from([0xc0, 0xc0]), 'string')).toThrow(/trailing bytes/);
    try {
      encodeMsgpack('s3cr3t-value', 'number');
    } catch (error) {
      expect(String(error)).not.toContain('s3cr3t');
    }
  });
});

describe('cty type JSON and JSON state', () => {
  test('writes type JSON as Terraform expects it', () => {
    expect(typeToJson('string')).toBe('"string"');
    expect(typeToJson(['map', 'string'])).toBe('["map","string"]');
    expect(typeToJson(['list', ['object', { a: 'number', b: ['set', 'bool'] }]])).toBe('["list",["object",{"a":"number","b":["set","bool"]}]]');
  });

  test('reads a stored JSON state against the current type, dropping attributes the schema no longer has', () => {
    const dropped: string[] = [];
    const value = valueFromJson(
      { id: 'x', count: 3, tags: { a: 'b' }, old: 'gone', nested: [{ on: true }] },
      ['object', { id: 'string', count: 'number', tags: ['map', 'string'], missing: 'string', nested: ['list', ['object', { on: 'bool' }]] }],
      { onDroppedAttribute: (path) => dropped.push(path.join('.')) },
    );
    expect(value).toEqual({ id: 'x', count: 3, tags: { a: 'b' }, missing: null, nested: [{ on: true }] });
    expect(dropped).toEqual(['old']);
  });
});
