import type { Construct } from 'constructs';
import { ref, TerraformElement, Token, type ITerraformDependable, type TerraformProvider } from 'cdktf';
import { invalidProp } from './errors';

/** Props of {@link EphemeralBlock}. */
export interface EphemeralBlockProps {
  /** The ephemeral resource type, such as `protector_token_value`. */
  readonly type: string;
  /**
   * Its arguments with Terraform's own (snake_case) names, such as
   * `{ connection_configuration_id: token.connectionConfigurationId, token_id: token.id }`.
   * Values may be cdktf tokens (references to other resources).
   */
  readonly config: Readonly<Record<string, unknown>>;
  /**
   * The provider to use.
   * @default - the stack's default provider of the type's prefix
   */
  readonly provider?: TerraformProvider;
  /**
   * Explicit dependencies (`depends_on`).
   * @default - only those implied by references in `config`
   */
  readonly dependsOn?: readonly ITerraformDependable[];
}

const TYPE_NAME = /^[a-z][a-z0-9]*_[a-z0-9_]+$/;

/**
 * A top-level `ephemeral "TYPE" "NAME" {...}` block in the synthesized JSON (Terraform >= 1.10).
 * CDKTF 0.21 has no construct for ephemeral resources (hashicorp/terraform-cdk#3886): this element
 * writes the block itself, beside `resource` and `data`, and hands out references in the form
 * Terraform expects (`ephemeral.TYPE.NAME.ATTRIBUTE`). Terraform allows such a reference only in
 * write-only attributes, provider configuration, locals and other ephemeral blocks.
 *
 * Synthesis to JSON only (`cdktf synth`, the default); `cdktf synth --hcl` leaves the block out.
 */
export class EphemeralBlock extends TerraformElement {
  /** The ephemeral resource type. */
  public readonly type: string;
  private readonly config: Readonly<Record<string, unknown>>;
  private readonly provider?: TerraformProvider;
  private readonly dependsOn: readonly ITerraformDependable[];

  constructor(scope: Construct, id: string, props: EphemeralBlockProps) {
    const type = props?.type;
    if (typeof type !== 'string' || !TYPE_NAME.test(type)) {
      throw invalidProp('EphemeralBlock', 'type', type, 'must be an ephemeral resource type such as "protector_token_value"');
    }
    super(scope, id, `ephemeral.${type}`);
    this.type = type;
    this.config = { ...props.config };
    this.provider = props.provider;
    this.dependsOn = [...(props.dependsOn ?? [])];
  }

  /** A reference to one of the block's attributes: `${ephemeral.TYPE.NAME.ATTRIBUTE}`. */
  public getStringAttribute(attribute: string): string {
    return Token.asString(ref(`ephemeral.${this.type}.${this.friendlyUniqueId}.${attribute}`, this.cdktfStack));
  }

  public override toTerraform(): Record<string, unknown> {
    const block: Record<string, unknown> = { ...this.config };
    if (this.provider) block.provider = this.provider.fqn;
    if (this.dependsOn.length > 0) block.depends_on = this.dependsOn.map((dependable) => dependable.fqn);
    return { ephemeral: { [this.type]: { [this.friendlyUniqueId]: { ...block, ...(this.rawOverrides as Record<string, unknown>) } } } };
  }

  public override toMetadata(): Record<string, unknown> {
    return {};
  }
}
