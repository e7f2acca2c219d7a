import type { Construct } from 'constructs';
import type { ITerraformDependable, TerraformProvider } from 'cdktf';
import type { DeploymentType } from './deployment-type';

/** What a registration target gets to work with: references to the connection's current token. */
export interface RegistrationContext {
  /** The connection configuration id. */
  readonly connectionConfigurationId: string;
  /** The current token's id. */
  readonly tokenId: string;
  /**
   * The current token's value: a reference known only at apply time, from the connection's one
   * `TokenValueSource`. Ephemeral by default (see `tokenValueEphemeral`).
   */
  readonly tokenValue: string;
  /**
   * True (the default) when `tokenValue` is ephemeral: Terraform accepts it only in write-only
   * attributes (such as `data_wo`, `secret_string_wo`) and stores it nowhere. False when the
   * connection has `storeTokenValueInState`: it is then the sensitive `protector_token.value`.
   */
  readonly tokenValueEphemeral: boolean;
  /** The current token's fingerprint (safe to show). */
  readonly tokenFingerprint: string;
  /**
   * The current token's creation time (RFC 3339). Not a revision: two tokens can be created in the
   * same second; derive anything that must change with every token from `tokenFingerprint`.
   */
  readonly tokenCreatedAt: string;
  /** The token resource, for explicit dependencies. */
  readonly token: ITerraformDependable;
  /** The protector provider the connection uses, when not the stack's default. */
  readonly protectorProvider?: TerraformProvider;
}

/**
 * Somewhere Protector instances read their token from. A `ProtectorConnection` binds each of its
 * registrations to its token; because every registration references the token, Terraform updates
 * them all before it revokes a replaced token (`create_before_destroy`).
 */
export interface IRegistrationTarget {
  /** The only deployment type this target works with. */
  readonly deploymentType: DeploymentType;
  /** A stable construct id for this target, unique within a connection (e.g. `KubernetesSecret-prod-protector`). */
  readonly id: string;
  /** A human description for messages, e.g. `Kubernetes Secret prod/protector-token`. */
  readonly description: string;
  /** Creates the resources that hold the token, as children of `scope`. */
  bind(scope: Construct, context: RegistrationContext): void;
}

/** Turns text into a construct id fragment ("/etc/protector/token" -> "etc-protector-token"). */
export function idFragment(text: string): string {
  return text.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'root';
}
