import { Construct } from 'constructs';
import type { TerraformProvider } from 'cdktf';
import type { Token } from './.gen/providers/protector/token';
import { EphemeralBlock } from './ephemeral-block';

/** The ephemeral resource type that reads a token's value (Terraform >= 1.10). */
const TOKEN_VALUE_EPHEMERAL_TYPE = 'protector_token_value';

/**
 * The one place a connection's registrations get the token value from, so every target reads it
 * the same way:
 *
 * - ephemeral (the default): an `ephemeral "protector_token_value"` block, created the first time
 *   a target asks; Terraform keeps its value out of state and plan files, and lets it flow only
 *   into write-only attributes (Terraform >= 1.11);
 * - stored in state (the opt-out for Terraform < 1.11, or a consumer without a write-only
 *   attribute): `protector_token.value`, kept because the token has `store_value = true`.
 */
export class TokenValueSource {
  /** The value from an ephemeral block, created as `scope`'s child `id` on first use. */
  public static ephemeral(scope: Construct, id: string, token: Token, provider?: TerraformProvider): TokenValueSource {
    let block: EphemeralBlock | undefined;
    return new TokenValueSource(
      true,
      () => {
        block ??= new EphemeralBlock(scope, id, {
          type: TOKEN_VALUE_EPHEMERAL_TYPE,
          provider,
          config: { connection_configuration_id: token.connectionConfigurationId, token_id: token.id },
        });
        return block.getStringAttribute('value');
      },
      () => block && `ephemeral.${block.type}.${block.friendlyUniqueId}`,
    );
  }

  /** The value the token keeps in state: the token must have `store_value = true`. */
  public static storedInState(token: Token): TokenValueSource {
    return new TokenValueSource(
      false,
      () => token.value,
      () => undefined,
    );
  }

  private constructor(
    /** True when {@link value} is an ephemeral reference, usable only in write-only attributes. */
    public readonly ephemeral: boolean,
    private readonly reference: () => string,
    private readonly ephemeralAddress: () => string | undefined,
  ) {}

  /** `ephemeral.protector_token_value.NAME` once a target used the ephemeral value; undefined otherwise. */
  public get address(): string | undefined {
    return this.ephemeralAddress();
  }

  /** A reference to the token value, resolved by Terraform at apply time. */
  public get value(): string {
    return this.reference();
  }
}
