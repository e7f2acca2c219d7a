/**
 * Composable attribute validators, each with a description that the generated docs print. A
 * validator sees known, non-null values only (the framework skips the rest) and returns what to
 * change ("expected ..., got ...") or undefined. Listed validators run in order and the first
 * problem wins, so a bound is never checked on a value that is not even a duration.
 */
import type { Value } from '../codec/cty-values';

/** A check with an optional description; a plain function is an undescribed validator. */
export interface Validator {
  (value: Value): string | undefined;
  /** A phrase that completes "Must be ...", e.g. `from 1 to 128 characters`. */
  readonly description?: string;
}

/** A validator from a description and a check. */
export function validator(description: string, check: (value: Value) => string | undefined): Validator {
  return Object.assign((value: Value) => check(value), { description });
}

/** The schema's validators as a list (an attribute may give one or several). */
export function validatorsOf(validate: Validator | readonly Validator[] | undefined): readonly Validator[] {
  if (validate === undefined) return [];
  return typeof validate === 'function' ? [validate] : validate;
}

/** The first problem any of the validators finds. */
export function firstProblem(validate: Validator | readonly Validator[] | undefined, value: Value): string | undefined {
  for (const check of validatorsOf(validate)) {
    const problem = check(value);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * JSON quoting that also escapes invisible format characters (bidi overrides, zero-width marks):
 * echoed raw, a hostile value could reorder the text of the diagnostic that shows it.
 */
export const quote = (value: unknown): string =>
  (JSON.stringify(value) ?? String(value)).replace(
    /[\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

export function lengthBetween(min: number, max: number, options: { emptyHint?: string } = {}): Validator {
  return validator(`from ${min} to ${max} characters`, (value) => {
    if (typeof value !== 'string') return undefined;
    if (value.length < min) {
      const got = value.length === 0 ? 'an empty string' : `${value.length}`;
      return `expected at least ${min} character(s), got ${got}${options.emptyHint ? `; ${options.emptyHint}` : ''}`;
    }
    if (value.length > max) return `expected at most ${max} characters, got ${value.length}`;
    return undefined;
  });
}

export function noSurroundingSpaces(): Validator {
  return validator('without leading or trailing spaces', (value) =>
    typeof value === 'string' && value.trim() !== value ? `expected no leading or trailing spaces, got ${quote(value)}` : undefined,
  );
}

export function notBlank(what: string): Validator {
  return validator('not blank', (value) => (typeof value === 'string' && value.trim() === '' ? `expected ${what}, got an empty string` : undefined));
}

export function oneOf(allowed: readonly string[]): Validator {
  const listed = allowed.map(quote).join(', ');
  return validator(`one of ${listed}`, (value) => (typeof value === 'string' && !allowed.includes(value) ? `expected one of ${listed}, got ${quote(value)}` : undefined));
}

/** `description` names what is expected, e.g. `four octal digits such as "0600"`. */
export function matchesPattern(pattern: RegExp, description: string): Validator {
  return validator(description, (value) => (typeof value === 'string' && !pattern.test(value) ? `expected ${description}, got ${quote(value)}` : undefined));
}

/** Any schema with zod's `safeParse` (the API contract's field schemas), so the rule stays defined there. */
export interface ParsingSchema {
  safeParse(value: unknown): { success: boolean };
}

/** A schema whose refusals explain themselves: zod's `safeParse`, whose issues say what to change. */
export interface ExplainingSchema {
  safeParse(value: unknown): { success: true } | { success: false; error: { issues: ReadonlyArray<{ message: string }> } };
}

/** The value must pass a rule the API contract defines; the problem is the contract's own message. */
export function agreesWith(schema: ExplainingSchema, description = 'accepted by the API contract (visible characters only)'): Validator {
  return validator(description, (value) => {
    if (value === null) return undefined;
    const parsed = schema.safeParse(value);
    return parsed.success ? undefined : `${parsed.error.issues[0]?.message ?? `expected ${description}`}, got ${quote(value)}`;
  });
}

/** `description` names what is expected, e.g. `a token id such as "tok_3n5p7r9t2v"`. */
export function matchesSchema(schema: ParsingSchema, description: string): Validator {
  return validator(description, (value) => (value !== null && !schema.safeParse(value).success ? `expected ${description}, got ${quote(value)}` : undefined));
}

// ---------------------------------------------------------------------------------------------
// Numbers and lists
// ---------------------------------------------------------------------------------------------

export function wholeNumberBetween(min: number, max: number): Validator {
  return validator(`a whole number from ${min} to ${max}`, (value) =>
    typeof value === 'number' && !(Number.isInteger(value) && value >= min && value <= max) ? `expected a whole number from ${min} to ${max}, got ${value}` : undefined,
  );
}

/** `items` names the elements for messages, e.g. `ports`. */
export function listLengthBetween(min: number, max: number, items: string): Validator {
  return validator(`from ${min} to ${max} ${items}`, (value) =>
    Array.isArray(value) && (value.length < min || value.length > max) ? `expected from ${min} to ${max} ${items}, got ${value.length}` : undefined,
  );
}

export function eachWholeNumberBetween(min: number, max: number): Validator {
  return validator(`each a whole number from ${min} to ${max}`, (value) => {
    if (!Array.isArray(value)) return undefined;
    const bad = value.filter((item): item is number => typeof item === 'number' && !(Number.isInteger(item) && item >= min && item <= max));
    return bad.length > 0 ? `expected whole numbers from ${min} to ${max}, got ${bad.join(', ')}` : undefined;
  });
}
