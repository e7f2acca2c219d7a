/** Resource schemas as tfplugin6 `Schema` messages (field names as in the .proto, snake_case). */
import { typeToJson } from '../codec/cty-json';
import type { AttributePath, AttributeSchema, AttributeType, BlockSchema, ObjectSchema } from '../framework/types';

interface WireAttribute {
  name: string;
  type: Buffer;
  description: string;
  description_kind: 'MARKDOWN';
  required: boolean;
  optional: boolean;
  computed: boolean;
  sensitive: boolean;
}
interface WireBlock {
  version: number;
  attributes: WireAttribute[];
  block_types: WireNestedBlock[];
  description: string;
  description_kind: 'MARKDOWN';
}
interface WireNestedBlock {
  type_name: string;
  block: WireBlock;
  nesting: 'SINGLE' | 'LIST' | 'SET';
  min_items: number;
  max_items: number;
}
export interface WireSchema {
  version: number;
  block: WireBlock;
}

export function schemaToWire(schema: ObjectSchema, description: string, version = 0): WireSchema {
  return { version, block: blockToWire(schema, description, version) };
}

function blockToWire(schema: ObjectSchema, description: string, version: number): WireBlock {
  return {
    version,
    description,
    description_kind: 'MARKDOWN',
    attributes: Object.entries(schema.attributes).map(([name, attribute]) => ({
      name,
      type: Buffer.from(typeToJson(attribute.type)),
      description: attribute.description,
      description_kind: 'MARKDOWN',
      required: attribute.required === true,
      optional: attribute.optional === true,
      computed: attribute.computed === true,
      sensitive: attribute.sensitive === true,
    })),
    block_types: Object.entries(schema.blocks ?? {}).map(([name, block]) => nestedBlockToWire(name, block)),
  };
}

function nestedBlockToWire(name: string, block: BlockSchema): WireNestedBlock {
  return {
    type_name: name,
    block: blockToWire(block, block.description, 0),
    nesting: block.nesting === 'single' ? 'SINGLE' : block.nesting === 'list' ? 'LIST' : 'SET',
    min_items: block.minItems ?? 0,
    max_items: block.maxItems ?? 0,
  };
}

export type WireStep = { attribute_name: string } | { element_key_string: string } | { element_key_int: number };

/**
 * Turns a framework path into AttributePath steps, using the schema to tell an attribute name
 * from a map key. Set elements have no index in Terraform's paths, so the path stops at the set.
 */
export function pathToWire(path: AttributePath, schema: ObjectSchema): WireStep[] {
  type Cursor = { schema: ObjectSchema } | { type: AttributeType } | { listBlock: BlockSchema } | null;
  const steps: WireStep[] = [];
  let cursor: Cursor = { schema };
  for (const step of path) {
    if (cursor === null) break;
    if ('schema' in cursor) {
      if (typeof step !== 'string') break;
      const attribute: AttributeSchema | undefined = cursor.schema.attributes[step];
      const block: BlockSchema | undefined = cursor.schema.blocks?.[step];
      if (!attribute && !block) break;
      steps.push({ attribute_name: step });
      if (attribute) cursor = { type: attribute.type };
      else if (block?.nesting === 'single') cursor = { schema: block };
      else cursor = block?.nesting === 'list' ? { listBlock: block } : null;
    } else if ('listBlock' in cursor) {
      if (typeof step !== 'number') break;
      steps.push({ element_key_int: step });
      cursor = { schema: cursor.listBlock };
    } else {
      const type: AttributeType = cursor.type;
      if (typeof type === 'string' || type[0] === 'set') break;
      if (type[0] === 'list' && typeof step === 'number') {
        steps.push({ element_key_int: step });
        cursor = { type: type[1] as AttributeType };
      } else if (type[0] === 'map' && typeof step === 'string') {
        steps.push({ element_key_string: step });
        cursor = { type: type[1] as AttributeType };
      } else if (type[0] === 'object' && typeof step === 'string') {
        const attributes = type[1] as Readonly<Record<string, AttributeType>>;
        if (!Object.prototype.hasOwnProperty.call(attributes, step)) break;
        steps.push({ attribute_name: step });
        cursor = { type: attributes[step] };
      } else break;
    }
  }
  return steps;
}
