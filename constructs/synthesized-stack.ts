import type { TerraformResource, TerraformStack } from 'cdktf';

/** The parts of a synthesized stack (`cdk.tf.json`) that the connection's checks read. */
export interface SynthesizedStack {
  readonly output?: Readonly<Record<string, { readonly value?: unknown; readonly sensitive?: boolean }>>;
  readonly resource?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** The stack as Terraform JSON, every token resolved to its interpolation. */
export function synthesizedStack(stack: TerraformStack): SynthesizedStack {
  return stack.toTerraform() as SynthesizedStack;
}

/** The synthesized block of `resource` in `synthesized`, if it is there. */
export function synthesizedResource(synthesized: SynthesizedStack, resource: TerraformResource): unknown {
  return synthesized.resource?.[resource.terraformResourceType]?.[resource.friendlyUniqueId];
}

/** Tells whether a synthesized value refers to `resource` (any attribute, or only `attribute`). */
export function mentionsResource(value: unknown, resource: TerraformResource, attribute?: string): boolean {
  return mentionsAddress(value, `${resource.terraformResourceType}.${resource.friendlyUniqueId}`, attribute);
}

/** Tells whether a synthesized value refers to the block at `address` (such as `ephemeral.TYPE.NAME`). */
export function mentionsAddress(value: unknown, address: string, attribute?: string): boolean {
  const escaped = address.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\b${escaped}\\.${attribute ?? '\\w+'}\\b`).test(JSON.stringify(value) ?? '');
}
