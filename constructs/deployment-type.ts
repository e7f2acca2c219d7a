/**
 * Where the Protector instances of a connection run. Tokens are tied to the deployment type they
 * were created for, so registration targets check it against their own.
 */
export class DeploymentType {
  /** Protector runs in a Kubernetes cluster and reads its token from a Secret. */
  public static readonly KUBERNETES = new DeploymentType('KUBERNETES', 'kubernetes');
  /** Protector runs as a reverse proxy (for example on a VM) and reads its token from a file. */
  public static readonly REVERSE_PROXY = new DeploymentType('REVERSE_PROXY', 'reverse_proxy');

  /** Every deployment type. */
  public static all(): readonly DeploymentType[] {
    return [DeploymentType.KUBERNETES, DeploymentType.REVERSE_PROXY];
  }

  private constructor(
    /** The constant's name, e.g. `KUBERNETES`: what messages show. */
    public readonly name: string,
    /** The provider's `deployment_type` value, e.g. `kubernetes`. */
    public readonly value: string,
  ) {}

  public toString(): string {
    return `DeploymentType.${this.name}`;
  }
}
