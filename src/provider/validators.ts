/**
 * The product's attribute validators, built from the framework's library (./framework/validators):
 * durations as users write them and the API's id formats. Every resource and the provider block
 * use these, so each rule reads the same everywhere.
 */
import { DURATION_HINT, parseDuration } from '../api/duration';
import { ConnectionConfigurationIdSchema, TokenIdSchema } from '../api/schemas';
import { matchesSchema, quote, validator, type Validator } from './framework/validators';

export const connectionConfigurationId: Validator = matchesSchema(ConnectionConfigurationIdSchema, 'a connection configuration id such as "ccfg_8h2k4m9x1q"');

export const tokenId: Validator = matchesSchema(TokenIdSchema, 'a token id such as "tok_3n5p7r9t2v"');

export function isDuration(): Validator {
  return validator(DURATION_HINT, (value) =>
    typeof value === 'string' && parseDuration(value) === undefined ? `expected ${DURATION_HINT}, got ${quote(value)}` : undefined,
  );
}

/**
 * Bounds for a value that {@link isDuration} accepted (list that first). `expected` overrides the
 * phrase for messages and docs, e.g. `a request timeout from "1s" to "10m"`.
 */
export function durationBetween(bounds: { min?: string; max?: string; aboveZero?: boolean }, expected?: string): Validator {
  const minMs = bounds.min === undefined ? undefined : parseDuration(bounds.min);
  const maxMs = bounds.max === undefined ? undefined : parseDuration(bounds.max);
  const phrase = expected ?? boundsPhrase(bounds);
  return validator(phrase, (value) => {
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined) return undefined;
    const tooShort = (minMs !== undefined && ms < minMs) || (bounds.aboveZero === true && ms <= 0);
    const tooLong = maxMs !== undefined && ms > maxMs;
    return tooShort || tooLong ? `expected ${phrase}, got ${quote(value)}` : undefined;
  });
}

function boundsPhrase(bounds: { min?: string; max?: string; aboveZero?: boolean }): string {
  if (bounds.min !== undefined && bounds.max !== undefined) return `from ${quote(bounds.min)} to ${quote(bounds.max)}`;
  const parts = [bounds.aboveZero ? 'longer than zero' : undefined, bounds.min && `at least ${quote(bounds.min)}`, bounds.max && `at most ${quote(bounds.max)}`];
  return parts.filter(Boolean).join(' and ');
}
