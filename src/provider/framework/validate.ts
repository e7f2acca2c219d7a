/** ValidateResourceConfig / ValidateDataResourceConfig / ValidateProviderConfig semantics. */
import type { AttributePath, Diagnostics, Model, ObjectSchema, Value } from './types';
import { isObject, isWhollyKnown, normalizeObject } from './values';

/** Runs each attribute's validator on known, non-null values, then the definition's own check. */
export function validateConfig(
  schema: ObjectSchema,
  config: Value,
  diagnostics: Diagnostics,
  validateObject?: (config: Model, diagnostics: Diagnostics) => void,
): void {
  const normalized = normalizeObject(config, schema);
  validateAttributes(schema, normalized, [], diagnostics);
  validateObject?.(normalized, diagnostics);
}

function validateAttributes(schema: ObjectSchema, value: Model, at: AttributePath, diagnostics: Diagnostics): void {
  for (const [name, attribute] of Object.entries(schema.attributes)) {
    const attributeValue = value[name];
    if (!attribute.validate || attributeValue === null || !isWhollyKnown(attributeValue)) continue;
    const problem = attribute.validate(attributeValue);
    if (problem !== undefined) diagnostics.error('Invalid Attribute Value', problem, [...at, name]);
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
