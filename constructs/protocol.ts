/** The protocol a reverse-proxy Protector speaks to its origin. */
export class Protocol {
  /** Plain HTTP to the origin. */
  public static readonly HTTP = new Protocol('HTTP', 'http');
  /** HTTPS to the origin (the default). */
  public static readonly HTTPS = new Protocol('HTTPS', 'https');

  private constructor(
    /** The constant's name, e.g. `HTTPS`. */
    public readonly name: string,
    /** The provider's `protocol` value, e.g. `https`. */
    public readonly value: string,
  ) {}

  public toString(): string {
    return `Protocol.${this.name}`;
  }
}
