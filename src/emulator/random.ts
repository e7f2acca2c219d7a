/** Identifiers and secrets, drawn from an injectable random source so tests can be deterministic. */
import { randomBytes } from 'node:crypto';

/** Returns `size` random bytes. */
export type RandomSource = (size: number) => Buffer;
/** Milliseconds since the epoch. */
export type Clock = () => number;

export const systemRandom: RandomSource = (size) => randomBytes(size);
export const systemClock: Clock = () => Date.now();

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

export function base36Id(random: RandomSource, length = 16): string {
  // 252 is the largest multiple of 36 below 256: rejecting larger bytes keeps the digits unbiased.
  let id = '';
  while (id.length < length) {
    for (const byte of random(length * 2)) {
      if (byte < 252 && id.length < length) id += BASE36[byte % 36];
    }
  }
  return id;
}

/** A Protector token value: `aap_` + 32 random bytes, base64url. */
export function newTokenValue(random: RandomSource): string {
  return `aap_${random(32).toString('base64url')}`;
}
