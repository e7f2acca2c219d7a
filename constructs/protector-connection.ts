import { Construct } from 'constructs';
import { Annotations, TerraformStack } from 'cdktf';
import { ConfigurationNameSchema, ContractIdSchema, DescriptionSchema, GroupIdSchema, TargetSchema } from '../src/api/schemas';
import { ConnectionConfiguration, type ConnectionConfigurationConfig } from './.gen/providers/protector/connection-configuration';
import { ProtectorProvider as ProtectorProviderResource } from './.gen/providers/protector/provider';
import { Token } from './.gen/providers/protector/token';
import { DeploymentType } from './deployment-type';
import { Protocol } from './protocol';
import {
  duplicateRegistration,
  ephemeralTokenValueExposed,
  invalidProp,
  noRegistrations,
  providerMissing,
  registrationNotWired,
  rotationAboveRecommendation,
  targetDeploymentTypeMismatch,
  targetNotAllowed,
  tokenValueInPlainOutput,
  tokenValueStoredInState,
  tokenValueThroughTerraformData,
} from './errors';
import type { ProtectorProvider } from './protector-provider';
import type { IRegistrationTarget } from './registration-target';
import { RotationPolicy } from './rotation-policy';
import { referencesToken } from './registration-wiring';
import { synthesizedStack } from './synthesized-stack';
import { ephemeralTokenValueExposures, tokenValueExposures } from './token-value-exposure';
import { TokenValueSource } from './token-value-source';

/** Where a reverse-proxy Protector forwards traffic to. */
export interface ConnectionTarget {
  /** Host name or IPv4 address of the origin, e.g. `origin.example.com`. */
  readonly host: string;
  /** Ports of the origin: 1 to 16 distinct ones, each from 1 to 65535. */
  readonly ports: readonly number[];
  /**
   * Protocol spoken to the origin.
   * @default Protocol.HTTPS
   */
  readonly protocol?: Protocol;
}

/** Props of {@link ProtectorConnection}. */
export interface ProtectorConnectionProps {
  /** Name of the connection configuration, 1 to 128 characters. Changing it updates it in place. */
  readonly name: string;
  /** Where the Protector instances run. Changing it replaces the configuration and all its tokens. */
  readonly deploymentType: DeploymentType;
  /** The contract id. Changing it replaces the configuration. */
  readonly contractId: string;
  /** The group id. Changing it replaces the configuration. */
  readonly groupId: string;
  /**
   * Free-text description, up to 1024 characters.
   * @default - no description
   */
  readonly description?: string;
  /**
   * The origin of a reverse-proxy deployment. Only for `DeploymentType.REVERSE_PROXY`.
   * @default - no target
   */
  readonly target?: ConnectionTarget;
  /** When the token is rotated and how the old one is retired. */
  readonly rotation: RotationPolicy;
  /**
   * Where the Protector instances read the token from. Each must match `deploymentType`.
   * They are all updated to a new token before the old one is revoked.
   */
  readonly registrations: readonly IRegistrationTarget[];
  /**
   * The protector provider to use.
   * @default - the stack's default protector provider
   */
  readonly provider?: ProtectorProvider;
  /**
   * Keep the token value in Terraform state (`store_value = true` on the token), and hand
   * registrations `protector_token.value` instead of the ephemeral `protector_token_value`.
   * Only for Terraform < 1.11 (no write-only attributes) or a consumer without a write-only
   * attribute: anyone who can read the state or a saved plan then holds a live token, and the
   * synth warns about it.
   * @default false - the value is ephemeral: in no state, plan or plan file (Terraform >= 1.11)
   */
  readonly storeTokenValueInState?: boolean;
}

/**
 * A connection configuration with a rotating token registered wherever its Protector instances
 * read it.
 *
 * The token uses `create_before_destroy`, and every registration references the token, so a
 * rotation runs: create the new token, update every registration (Secret, pod templates, token
 * files), then revoke the old token once instances have drained off it.
 */
export class ProtectorConnection extends Construct {
  /** The connection configuration (child `Resource`). */
  public readonly configuration: ConnectionConfiguration;
  /** The current token (child `Token`). */
  public readonly token: Token;
  /** The connection configuration id. */
  public readonly connectionConfigurationId: string;
  /** The current token's id. */
  public readonly tokenId: string;
  /** The current token's fingerprint: safe to show in outputs and logs. */
  public readonly tokenFingerprint: string;
  /** When the current token is due for rotation (RFC 3339). */
  public readonly tokenRotateAfter: string;
  /** Where the token value comes from: ephemeral by default, see `storeTokenValueInState`. */
  public readonly tokenValueSource: TokenValueSource;
  /**
   * The current token's value: a reference resolved only at apply time. By default it is
   * ephemeral (`ephemeral.protector_token_value.NAME.value`): Terraform accepts it only in
   * write-only attributes (Terraform >= 1.11), provider configuration and locals, and stores it
   * nowhere. With `storeTokenValueInState` it is the sensitive `protector_token.value`; a
   * TerraformOutput without `sensitive: true` or a `terraform_data` that receives it fails the synth.
   */
  public get tokenValue(): string {
    return this.tokenValueSource.value;
  }

  /** The deployment type. */
  public readonly deploymentType: DeploymentType;
  /** The rotation policy. */
  public readonly rotation: RotationPolicy;

  constructor(scope: Construct, id: string, props: ProtectorConnectionProps) {
    super(scope, id);
    const owner = `ProtectorConnection '${this.node.path}'`;
    validateProps(owner, props);
    const { deploymentType, rotation, registrations } = props;
    const provider = props.provider?.resource;

    // `target` is optional in the provider; cdktf's generator types a single nested block whose
    // attributes are required as a required block, hence the cast.
    this.configuration = new ConnectionConfiguration(this, 'Resource', {
      provider,
      name: props.name,
      description: props.description,
      deploymentType: deploymentType.value,
      contractId: props.contractId,
      groupId: props.groupId,
      target: props.target && {
        host: props.target.host,
        ports: [...props.target.ports],
        protocol: (props.target.protocol ?? Protocol.HTTPS).value,
      },
    } as ConnectionConfigurationConfig);

    this.token = new Token(this, 'Token', {
      provider,
      connectionConfigurationId: this.configuration.id,
      rotationPeriod: rotation.period,
      drainTimeout: rotation.drainTimeout,
      requireDrain: rotation.requireDrain,
      keepers: rotation.keepers && { ...rotation.keepers },
      ...(props.storeTokenValueInState === true ? { storeValue: true } : {}),
      // The new token must exist before the old one is revoked: the provider refuses to revoke the
      // only active token, and registrations need the new value before instances lose the old one.
      lifecycle: { createBeforeDestroy: true },
    });

    this.deploymentType = deploymentType;
    this.rotation = rotation;
    this.connectionConfigurationId = this.configuration.id;
    this.tokenId = this.token.id;
    this.tokenFingerprint = this.token.fingerprint;
    this.tokenRotateAfter = this.token.rotateAfter;
    this.tokenValueSource =
      props.storeTokenValueInState === true ? TokenValueSource.storedInState(this.token) : TokenValueSource.ephemeral(this, 'TokenValue', this.token, provider);

    // Each registration references the token, so Terraform updates it before destroying (revoking)
    // a replaced token: deposed objects are destroyed only after their dependents changed. The
    // stack validation below checks that every target really made such a reference.
    const bound = registrations.map((target) => ({ target, scope: new Construct(this, target.id) }));
    for (const { target, scope } of bound) {
      const source = this.tokenValueSource;
      target.bind(scope, {
        connectionConfigurationId: this.connectionConfigurationId,
        tokenId: this.tokenId,
        // A getter: the ephemeral block exists only when a target uses the value.
        get tokenValue() {
          return source.value;
        },
        tokenValueEphemeral: source.ephemeral,
        tokenFingerprint: this.tokenFingerprint,
        tokenCreatedAt: this.token.createdAt,
        token: this.token,
        protectorProvider: provider,
      });
    }

    if (rotation.exceedsRecommendation) {
      Annotations.of(this).addWarning(rotationAboveRecommendation(owner, rotation.period, RotationPolicy.RECOMMENDED_MAX_PERIOD_DAYS));
    }
    if (registrations.length === 0) Annotations.of(this).addWarning(noRegistrations(owner));
    if (props.storeTokenValueInState === true) Annotations.of(this).addWarning(tokenValueStoredInState(owner));
    this.node.addValidation({ validate: () => this.problemsInStack(owner, provider, bound) });
  }

  /**
   * What only the finished stack shows: a registration not wired to the token, a token value
   * printed in plain text, a missing provider.
   */
  private problemsInStack(owner: string, provider: ProtectorProviderResource | undefined, bound: readonly { target: IRegistrationTarget; scope: Construct }[]): string[] {
    const stack = TerraformStack.of(this);
    const synthesized = synthesizedStack(stack);
    const problems = bound
      .map(({ target, scope }, index) =>
        referencesToken(synthesized, scope, this.token) ? undefined : registrationNotWired(owner, `registrations[${index}]`, target.description),
      )
      .filter((problem) => problem !== undefined);
    for (const exposure of tokenValueExposures(synthesized, this.token)) {
      problems.push(exposure.kind === 'output' ? tokenValueInPlainOutput(owner, exposure.name) : tokenValueThroughTerraformData(owner, exposure.name));
    }
    const ephemeralAddress = this.tokenValueSource.address;
    for (const exposure of ephemeralAddress ? ephemeralTokenValueExposures(synthesized, ephemeralAddress) : []) {
      problems.push(ephemeralTokenValueExposed(owner, exposure.kind, exposure.name));
    }
    // Without a provider block Terraform would look for hashicorp/protector in the public registry.
    if (!provider && !stack.node.findAll().some((node) => node instanceof ProtectorProviderResource)) problems.push(providerMissing(owner));
    return problems.map((problem) => problem.message);
  }
}

function validateProps(owner: string, props: ProtectorConnectionProps): void {
  if (!props || typeof props !== 'object') throw invalidProp(owner, 'props', props, 'must be an object');
  const text = (prop: 'name' | 'contractId' | 'groupId' | 'description', max: number): void => {
    const value = props[prop];
    if (prop === 'description' && value === undefined) return;
    if (typeof value !== 'string' || value.trim() === '' || value.length > max) {
      throw invalidProp(owner, prop, value, `must be a non-empty string of at most ${max} characters`);
    }
  };
  text('name', 128);
  // The API trims names, so the provider refuses a padded one: say so before `terraform plan` does.
  if (props.name.trim() !== props.name) {
    throw invalidProp(owner, 'name', props.name, 'must be a non-empty string of at most 128 characters without leading or trailing spaces');
  }
  text('contractId', 64);
  text('groupId', 64);
  text('description', 1024);
  // The API contract's field rules (visible text only, id characters): what it refuses must not synthesize.
  const contract = { name: ConfigurationNameSchema, contractId: ContractIdSchema, groupId: GroupIdSchema, description: DescriptionSchema } as const;
  for (const [prop, schema] of Object.entries(contract) as Array<[keyof typeof contract, (typeof contract)[keyof typeof contract]]>) {
    const value = props[prop];
    if (value === undefined) continue;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw invalidProp(owner, prop, value, parsed.error.issues[0]?.message ?? 'is not accepted by the API');
  }
  if (!DeploymentType.all().includes(props.deploymentType)) {
    throw invalidProp(owner, 'deploymentType', props.deploymentType, 'must be DeploymentType.KUBERNETES or DeploymentType.REVERSE_PROXY');
  }
  if (!(props.rotation instanceof RotationPolicy)) {
    throw invalidProp(
      owner,
      'rotation',
      props.rotation,
      'must be a RotationPolicy, e.g. RotationPolicy.every("90d") or RotationPolicies.fromFile(...).for("production")',
    );
  }
  if (props.target !== undefined) {
    if (props.deploymentType !== DeploymentType.REVERSE_PROXY) throw targetNotAllowed(owner, props.deploymentType.name);
    const { host, ports, protocol } = props.target;
    // The API contract is the rule: what it refuses must not synthesize.
    if (!TargetSchema.shape.host.safeParse(host).success) {
      throw invalidProp(owner, 'target.host', host, 'must be a host name or IPv4 address such as "origin.example.com", at most 253 characters');
    }
    const portsProblem = firstProblem(TargetSchema.shape.ports.safeParse(ports));
    if (portsProblem !== undefined) {
      throw invalidProp(owner, 'target.ports', ports, `must list 1 to 16 ports, each a whole number from 1 to 65535 (${portsProblem})`);
    }
    if (protocol !== undefined && protocol !== Protocol.HTTP && protocol !== Protocol.HTTPS) {
      throw invalidProp(owner, 'target.protocol', protocol, 'must be Protocol.HTTP or Protocol.HTTPS');
    }
  }
  if (props.storeTokenValueInState !== undefined && typeof props.storeTokenValueInState !== 'boolean') {
    throw invalidProp(owner, 'storeTokenValueInState', props.storeTokenValueInState, 'must be true or false');
  }
  if (!Array.isArray(props.registrations as unknown)) {
    throw invalidProp(owner, 'registrations', props.registrations, 'must be a list of registration targets (KubernetesSecretTarget, TokenFileTarget)');
  }
  const ids = new Set<string>();
  props.registrations.forEach((target, index) => {
    const prop = `registrations[${index}]`;
    if (!target || typeof target.bind !== 'function' || !target.deploymentType) {
      throw invalidProp(owner, prop, target, 'must be a registration target such as new KubernetesSecretTarget({...}) or new TokenFileTarget({...})');
    }
    if (target.deploymentType !== props.deploymentType) {
      throw targetDeploymentTypeMismatch(owner, prop, target.description, target.deploymentType.name, props.deploymentType.name);
    }
    if (ids.has(target.id)) throw duplicateRegistration(owner, prop, target.description);
    ids.add(target.id);
  });
}

/** The message of the first issue of a failed zod parse, or undefined when it succeeded. */
function firstProblem(result: { success: boolean; error?: { issues: readonly { message: string }[] } }): string | undefined {
  return result.success ? undefined : result.error?.issues[0]?.message;
}
