/**
 * fast-check arbitraries of hostile input shared by the provider and construct fuzz tests:
 * control characters, ANSI escapes, bidi overrides, NUL, lone surrogates, quotes and template
 * markers, huge strings, values of the wrong type, and token-like strings (which must never be
 * echoed back: a misplaced `protector_token.x.value` hands a validator the secret itself).
 */
import fc from 'fast-check';

/** Pieces that break naive escaping, terminals, logs or file systems. */
const NASTY_PIECES = [
  '\u0000',
  '\n',
  '\r\n',
  '\t',
  '\u0007',
  '\u001b[31m',
  '\u001b]0;pwned\u0007',
  '\u202e',
  '\u2066',
  '\u200f',
  '\ufeff',
  '\ud800',
  '"',
  "'",
  '`',
  '\\',
  '${var.x}',
  '%{ if true }',
  '<script>',
  '../',
  '/',
  ' ',
  '\u00a0',
  '😀',
  'ǅ',
  '\u0301',
];

export const nastyString: fc.Arbitrary<string> = fc
  .array(fc.oneof(fc.constantFrom(...NASTY_PIECES), fc.string({ maxLength: 8 })), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

/** A huge value: far over every documented limit. */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.constantFrom('x', 'a-', '😀', '\u202e'), fc.integer({ min: 1_000, max: 100_000 }))
  .map(([unit, times]) => unit.repeat(times));

/**
 * Strings that look like token values (32+ characters of base64url, the alphabet of the API's
 * token values, e.g. `aap_` + 43 characters). Must never appear in any diagnostic or error.
 */
export const tokenLike: fc.Arbitrary<string> = fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{40,96}$/), fc.stringMatching(/^aap_[A-Za-z0-9_-]{43}$/));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: tokenLike },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '0', '-1', 'null', 'undefined', 'NaN', 'true', '[]', '{}') },
);

/** Values of the wrong type for a string attribute or prop. */
export const wrongTyped: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, Number.MAX_SAFE_INTEGER + 2),
  fc.boolean(),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
);

/** Token-like strings among `inputs`: what must not be echoed. */
export function secretsIn(...inputs: unknown[]): string[] {
  const found: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length >= 32 && /^[A-Za-z0-9_-]+$/.test(value)) found.push(value);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === 'object') Object.values(value as Record<string, unknown>).forEach(visit);
  };
  inputs.forEach(visit);
  return found;
}

/** How many generated cases each property runs; the sum over a file is what the issue counts. */
export const RUNS = Number(process.env.PROTECTOR_FUZZ_RUNS ?? 0) || undefined;
