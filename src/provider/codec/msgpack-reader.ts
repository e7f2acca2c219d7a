/**
 * A minimal MessagePack reader that the cty decoder drives one item at a time, so it can decode
 * against the expected type without building an intermediate tree.
 */
export class MsgpackFormatError extends Error {}

export type Head =
  | { kind: 'nil' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'array'; count: number }
  | { kind: 'map'; count: number }
  | { kind: 'ext'; type: number; payload: Uint8Array }
  | { kind: 'bin'; payload: Uint8Array };

export class MsgpackReader {
  private offset = 0;
  private readonly view: Buffer;

  constructor(bytes: Uint8Array) {
    this.view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.view.length;
  }

  /** Reads the next item's header; arrays and maps leave their elements to be read next. */
  next(): Head {
    const tag = this.u8();
    if (tag <= 0x7f) return { kind: 'number', value: tag };
    if (tag >= 0xe0) return { kind: 'number', value: tag - 0x100 };
    if ((tag & 0xf0) === 0x80) return { kind: 'map', count: tag & 0x0f };
    if ((tag & 0xf0) === 0x90) return { kind: 'array', count: tag & 0x0f };
    if ((tag & 0xe0) === 0xa0) return { kind: 'string', value: this.text(tag & 0x1f) };
    switch (tag) {
      case 0xc0:
        return { kind: 'nil' };
      case 0xc2:
        return { kind: 'bool', value: false };
      case 0xc3:
        return { kind: 'bool', value: true };
      case 0xc4:
        return { kind: 'bin', payload: this.bytes(this.u8()) };
      case 0xc5:
        return { kind: 'bin', payload: this.bytes(this.u16()) };
      case 0xc6:
        return { kind: 'bin', payload: this.bytes(this.u32()) };
      case 0xc7:
        return this.ext(this.u8());
      case 0xc8:
        return this.ext(this.u16());
      case 0xc9:
        return this.ext(this.u32());
      case 0xca:
        return { kind: 'number', value: this.view.readFloatBE(this.claim(4)) };
      case 0xcb:
        return { kind: 'number', value: this.view.readDoubleBE(this.claim(8)) };
      case 0xcc:
        return { kind: 'number', value: this.u8() };
      case 0xcd:
        return { kind: 'number', value: this.u16() };
      case 0xce:
        return { kind: 'number', value: this.u32() };
      case 0xcf:
        return { kind: 'number', value: Number(this.view.readBigUInt64BE(this.claim(8))) };
      case 0xd0:
        return { kind: 'number', value: this.view.readInt8(this.claim(1)) };
      case 0xd1:
        return { kind: 'number', value: this.view.readInt16BE(this.claim(2)) };
      case 0xd2:
        return { kind: 'number', value: this.view.readInt32BE(this.claim(4)) };
      case 0xd3:
        return { kind: 'number', value: Number(this.view.readBigInt64BE(this.claim(8))) };
      case 0xd4:
        return this.ext(1);
      case 0xd5:
        return this.ext(2);
      case 0xd6:
        return this.ext(4);
      case 0xd7:
        return this.ext(8);
      case 0xd8:
        return this.ext(16);
      case 0xd9:
        return { kind: 'string', value: this.text(this.u8()) };
      case 0xda:
        return { kind: 'string', value: this.text(this.u16()) };
      case 0xdb:
        return { kind: 'string', value: this.text(this.u32()) };
      case 0xdc:
        return { kind: 'array', count: this.u16() };
      case 0xdd:
        return { kind: 'array', count: this.u32() };
      case 0xde:
        return { kind: 'map', count: this.u16() };
      case 0xdf:
        return { kind: 'map', count: this.u32() };
      default:
        throw new MsgpackFormatError(`unsupported MessagePack tag 0x${tag.toString(16)} at byte ${this.offset - 1}`);
    }
  }

  /** Skips one whole item, including nested elements. */
  skip(): void {
    const head = this.next();
    if (head.kind === 'array') for (let i = 0; i < head.count; i++) this.skip();
    if (head.kind === 'map') for (let i = 0; i < head.count * 2; i++) this.skip();
  }

  private ext(size: number): Head {
    const type = this.view.readInt8(this.claim(1));
    return { kind: 'ext', type, payload: this.bytes(size) };
  }

  private text(size: number): string {
    const start = this.claim(size);
    return this.view.toString('utf8', start, start + size);
  }

  private bytes(size: number): Uint8Array {
    return new Uint8Array(this.take(size));
  }

  // The fixed-size reads go straight to the buffer: a view per byte read was most of the
  // decoder's allocations, and every RPC decodes a few objects.
  private u8(): number {
    return this.view[this.claim(1)]!;
  }

  private u16(): number {
    return this.view.readUInt16BE(this.claim(2));
  }

  private u32(): number {
    return this.view.readUInt32BE(this.claim(4));
  }

  private take(size: number): Buffer {
    const start = this.claim(size);
    return this.view.subarray(start, start + size);
  }

  /** Moves past `size` bytes and returns where they start. */
  private claim(size: number): number {
    if (this.offset + size > this.view.length) {
      throw new MsgpackFormatError(`MessagePack data ends early: wanted ${size} bytes at byte ${this.offset}`);
    }
    const start = this.offset;
    this.offset += size;
    return start;
  }
}
