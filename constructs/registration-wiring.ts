import type { IConstruct } from 'constructs';
import { TerraformResource } from 'cdktf';
import { mentionsResource, synthesizedResource, type SynthesizedStack } from './synthesized-stack';

/**
 * Tells whether a bound registration is wired to the token: at least one resource it created
 * refers to it. Without that reference the registration never receives a new token, and Terraform
 * has no reason to update it before it revokes the old one.
 */
export function referencesToken(synthesized: SynthesizedStack, registrationScope: IConstruct, token: TerraformResource): boolean {
  return registrationScope.node
    .findAll()
    .some((node) => node instanceof TerraformResource && mentionsResource(synthesizedResource(synthesized, node), token));
}
