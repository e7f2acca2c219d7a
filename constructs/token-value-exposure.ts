import type { TerraformResource } from 'cdktf';
import { mentionsAddress, mentionsResource, type SynthesizedStack } from './synthesized-stack';

/** Where a stack hands a token's value to something that would print it. */
export interface TokenValueExposure {
  /** `output` (a TerraformOutput without `sensitive`) or `terraform_data`. */
  readonly kind: 'output' | 'terraform_data';
  /** The name of the output or of the terraform_data resource in the synthesized JSON. */
  readonly name: string;
}

/**
 * The places in a synthesized stack that would show `token`'s value in plain text: outputs that
 * are not marked sensitive, and `terraform_data` resources (they drop sensitivity, so plans print
 * their input). Terraform itself rejects only the first, and only at plan time.
 */
export function tokenValueExposures(synthesized: SynthesizedStack, token: TerraformResource): TokenValueExposure[] {
  const outputs = Object.entries(synthesized.output ?? {})
    .filter(([, output]) => output.sensitive !== true && mentionsResource(output.value, token, 'value'))
    .map(([name]): TokenValueExposure => ({ kind: 'output', name }));
  const terraformData = Object.entries(synthesized.resource?.terraform_data ?? {})
    .filter(([, resource]) => mentionsResource(resource, token, 'value'))
    .map(([name]): TokenValueExposure => ({ kind: 'terraform_data', name }));
  return [...outputs, ...terraformData];
}

/**
 * The places that would receive an ephemeral token value (`address` is the ephemeral block's,
 * such as `ephemeral.protector_token_value.NAME`): Terraform rejects an ephemeral value in any
 * root output, sensitive or not, and in `terraform_data`, but only at plan time.
 */
export function ephemeralTokenValueExposures(synthesized: SynthesizedStack, address: string): TokenValueExposure[] {
  const outputs = Object.entries(synthesized.output ?? {})
    .filter(([, output]) => mentionsAddress(output.value, address, 'value'))
    .map(([name]): TokenValueExposure => ({ kind: 'output', name }));
  const terraformData = Object.entries(synthesized.resource?.terraform_data ?? {})
    .filter(([, resource]) => mentionsAddress(resource, address, 'value'))
    .map(([name]): TokenValueExposure => ({ kind: 'terraform_data', name }));
  return [...outputs, ...terraformData];
}
