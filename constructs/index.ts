/**
 * cdktf-protector's construct library: App & API Protector Hybrid connection configurations with
 * rotating tokens, registered where the Protector instances read them. See docs/constructs.md.
 */
export { DeploymentType } from './deployment-type';
export { Protocol } from './protocol';
export { RotationPolicy, type RotationPolicyOptions } from './rotation-policy';
export { RotationPolicies, type RotationPolicySpec } from './rotation-policies';
export { type IRegistrationTarget, type RegistrationContext } from './registration-target';
export { KubernetesSecretTarget, type KubernetesSecretTargetProps, type WorkloadKind, type WorkloadReference } from './kubernetes-secret-target';
export { TokenFileTarget, type TokenFileTargetProps } from './token-file-target';
export { AwsSecretsManagerTarget, type AwsSecretsManagerTargetProps } from './aws-secrets-manager-target';
export { ProtectorProvider, type ProtectorProviderProps, defaultProviderBundle } from './protector-provider';
export { terraformPlatform } from '../src/api/rules';
export { ProtectorConnection, type ProtectorConnectionProps, type ConnectionTarget } from './protector-connection';
export { RotationCompliance, type RotationComplianceProps } from './rotation-compliance';
export { StateBackend, type StateBackendKind, type StateBackendProps } from './state-backend';
export { ConstructPropError } from './errors';
export { EphemeralBlock, type EphemeralBlockProps } from './ephemeral-block';
export { TokenValueSource } from './token-value-source';
/** The generated L1 bindings of the protector provider (escape hatch). */
export * as protector from './.gen/providers/protector';
/** The few generated hashicorp/aws bindings AwsSecretsManagerTarget uses, with `aws.provider.AwsProvider`. */
export * as aws from './.gen/providers/aws';
