import type { TerraformResource, TerraformStack } from 'cdktf';

/** Where a stack hands a token's value to something that would print it. */
export interface TokenValueExposure {
  /** `output` (a TerraformOutput without `sensitive`) or `terraform_data`. */
  readonly kind: 'output' | 'terraform_data';
  /** The name of the output or of the terraform_data resource in the synthesized JSON. */
  readonly name: string;
}

interface SynthesizedStack {
  output?: Record<string, { value?: unknown; sensitive?: boolean }>;
  resource?: Record<string, Record<string, unknown>>;
}

/**
 * The places in `stack` that would show `token`'s value in plain text: outputs that are not
 * marked sensitive, and `terraform_data` resources (they drop sensitivity, so plans print their
 * input). Terraform itself rejects only the first, and only at plan time.
 */
export function tokenValueExposures(stack: TerraformStack, token: TerraformResource): TokenValueExposure[] {
  const reference = new RegExp(`\\b${token.terraformResourceType}\\.${escapeRegExp(token.friendlyUniqueId)}\\.value\\b`);
  const mentions = (value: unknown): boolean => reference.test(JSON.stringify(value) ?? '');
  const synthesized = stack.toTerraform() as SynthesizedStack;
  const outputs = Object.entries(synthesized.output ?? {})
    .filter(([, output]) => output.sensitive !== true && mentions(output.value))
    .map(([name]): TokenValueExposure => ({ kind: 'output', name }));
  const terraformData = Object.entries(synthesized.resource?.terraform_data ?? {})
    .filter(([, resource]) => mentions(resource))
    .map(([name]): TokenValueExposure => ({ kind: 'terraform_data', name }));
  return [...outputs, ...terraformData];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
