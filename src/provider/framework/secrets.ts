/**
 * Collects the values of sensitive attributes from the values an RPC handles, so that anything
 * the provider says back (diagnostics, logs) can be scrubbed of them.
 */
import { redactSecrets } from '../../secrets';
import type { ObjectSchema, Value } from './types';
import { isObject } from '../codec/cty-values';

export class SecretScrubber {
  private readonly secrets = new Set<string>();

  /** Remembers every string inside sensitive attributes of `value`. */
  collect(value: Value | undefined, schema: ObjectSchema): this {
    if (value === undefined || !isObject(value)) return this;
    for (const [name, attribute] of Object.entries(schema.attributes)) {
      if (attribute.sensitive) this.collectStrings(value[name]);
    }
    for (const [name, block] of Object.entries(schema.blocks ?? {})) {
      const nested = value[name];
      if (Array.isArray(nested)) nested.forEach((item) => this.collect(item, block));
      else this.collect(nested, block);
    }
    return this;
  }

  scrub(text: string): string {
    return this.secrets.size === 0 ? text : redactSecrets(text, [...this.secrets]);
  }

  private collectStrings(value: Value | undefined): void {
    if (typeof value === 'string') this.secrets.add(value);
    else if (Array.isArray(value)) value.forEach((item) => this.collectStrings(item));
    else if (value !== undefined && isObject(value)) Object.values(value).forEach((item) => this.collectStrings(item));
  }
}
