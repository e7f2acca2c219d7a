/** ValidateResourceConfig / ValidateDataResourceConfig / ValidateProviderConfig semantics. */
import { fingerprintOf } from '../../secrets';
import type { AttributePath, Diagnostics, Model, ObjectSchema, Value } from './types';
import { isObject, isWhollyKnown } from '../codec/cty-values';
import { normalizeObject } from './values';
import { firstProblem } from './validators';

/**
 * The API's shortest token value. At plan time Terraform validates with known values, so a
 * mistaken `token_id = protector_token.x.value` hands a validator the secret, and validators echo
 * what they got: strings this long are shown by fingerprint instead.
 */
const POSSIBLE_SECRET_LENGTH = 32;

/** Runs each attribute's validator on known, non-null values, then the definition's own check. */
export function validateConfig(schema: ObjectSchema, config: Value, diagnostics: Diagnostics, validateObject?: (config: Model, diagnostics: Diagnostics) => void): void {
  const normalized = normalizeObject(config, schema);
  validateAttributes(schema, normalized, [], diagnostics);
  validateObject?.(normalized, diagnostics);
}

function validateAttributes(schema: ObjectSchema, value: Model, at: AttributePath, diagnostics: Diagnostics): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    const attributeValue = value[name];
    if (!attribute.validate || attributeValue === null || !isWhollyKnown(attributeValue)) continue;
    const problem = firstProblem(attribute.validate, attributeValue);
    if (problem !== undefined) diagnostics.error('Invalid Attribute Value', withoutEchoedSecrets(problem, attributeValue), [...at, name]);
  }
  for (const [name, block] of Object.entries(schema.blocks ?? {})) {
    const blockValue = value[name];
    if (isObject(blockValue)) validateAttributes(block, normalizeObject(blockValue, block), [...at, name], diagnostics);
    else if (Array.isArray(blockValue)) {
      blockValue.forEach((item, index) => {
        if (isObject(item)) validateAttributes(block, normalizeObject(item, block), [...at, name, index], diagnostics);
      });
    }
  }
}

export function withoutEchoedSecrets(problem: string, value: Value): string {
  let text = problem;
  for (const candidate of stringsIn(value)) {
    if (candidate.length < POSSIBLE_SECRET_LENGTH) continue;
    const marker = `[${candidate.length} characters, not shown in case it is a secret: ${fingerprintOf(candidate)}]`;
    // Validators quote with JSON.stringify: replace the escaped form too.
    for (const form of new Set([candidate, JSON.stringify(candidate).slice(1, -1)])) text = text.split(form).join(marker);
  }
  return text;
}

function stringsIn(value: Value): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (isObject(value)) return [...Object.keys(value), ...Object.values(value).flatMap(stringsIn)];
  return [];
}
