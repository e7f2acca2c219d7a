/**
 * A minimal MessagePack writer: only the forms cty's encoding needs. Written here rather than
 * taken from a library so the start path stays small and unknowns encode exactly as Terraform
 * expects (fixext1, type 0).
 */
export class MsgpackWriter {
  private buffer = Buffer.allocUnsafe(256);
  private length = 0;

  finish(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  nil(): void {
    this.byte(0xc0);
  }

  bool(value: boolean): void {
    this.byte(value ? 0xc3 : 0xc2);
  }

  number(value: number): void {
    if (Number.isSafeInteger(value)) this.integer(value);
    else this.float64(value);
  }

  string(value: string): void {
    const size = Buffer.byteLength(value, 'utf8');
    if (size < 32) this.byte(0xa0 | size);
    else if (size < 0x100) this.header8(0xd9, size);
    else if (size < 0x10000) this.header16(0xda, size);
    else this.header32(0xdb, size);
    this.reserve(size);
    this.buffer.write(value, this.length, 'utf8');
    this.length += size;
  }

  arrayHeader(count: number): void {
    if (count < 16) this.byte(0x90 | count);
    else if (count < 0x10000) this.header16(0xdc, count);
    else this.header32(0xdd, count);
  }

  mapHeader(count: number): void {
    if (count < 16) this.byte(0x80 | count);
    else if (count < 0x10000) this.header16(0xde, count);
    else this.header32(0xdf, count);
  }

  /** fixext1: cty's wholly unknown value is type 0 with a single zero byte. */
  fixext1(type: number, payload: number): void {
    this.reserve(3);
    this.buffer[this.length++] = 0xd4;
    this.buffer[this.length++] = type & 0xff;
    this.buffer[this.length++] = payload & 0xff;
  }

  private integer(value: number): void {
    if (value >= 0) {
      if (value < 0x80) this.byte(value);
      else if (value < 0x100) this.header8(0xcc, value);
      else if (value < 0x10000) this.header16(0xcd, value);
      else if (value < 0x100000000) this.header32(0xce, value);
      else {
        this.reserve(9);
        this.buffer[this.length++] = 0xcf;
        this.buffer.writeBigUInt64BE(BigInt(value), this.length);
        this.length += 8;
      }
      return;
    }
    if (value >= -32) this.byte(value & 0xff);
    else if (value >= -0x80) {
      this.reserve(2);
      this.buffer[this.length++] = 0xd0;
      this.buffer.writeInt8(value, this.length++);
    } else if (value >= -0x8000) {
      this.reserve(3);
      this.buffer[this.length++] = 0xd1;
      this.buffer.writeInt16BE(value, this.length);
      this.length += 2;
    } else if (value >= -0x80000000) {
      this.reserve(5);
      this.buffer[this.length++] = 0xd2;
      this.buffer.writeInt32BE(value, this.length);
      this.length += 4;
    } else {
      this.reserve(9);
      this.buffer[this.length++] = 0xd3;
      this.buffer.writeBigInt64BE(BigInt(value), this.length);
      this.length += 8;
    }
  }

  private float64(value: number): void {
    this.reserve(9);
    this.buffer[this.length++] = 0xcb;
    this.buffer.writeDoubleBE(value, this.length);
    this.length += 8;
  }

  private byte(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value;
  }

  private header8(tag: number, value: number): void {
    this.reserve(2);
    this.buffer[this.length++] = tag;
    this.buffer[this.length++] = value;
  }

  private header16(tag: number, value: number): void {
    this.reserve(3);
    this.buffer[this.length++] = tag;
    this.buffer.writeUInt16BE(value, this.length);
    this.length += 2;
  }

  private header32(tag: number, value: number): void {
    this.reserve(5);
    this.buffer[this.length++] = tag;
    this.buffer.writeUInt32BE(value, this.length);
    this.length += 4;
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + extra));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
