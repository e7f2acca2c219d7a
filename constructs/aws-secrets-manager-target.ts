import type { Construct } from 'constructs';
import { Fn, Op, Token, type TerraformProvider } from 'cdktf';
import { SecretsmanagerSecret } from './.gen/providers/aws/secretsmanager-secret';
import { SecretsmanagerSecretVersion } from './.gen/providers/aws/secretsmanager-secret-version';
import { DeploymentType } from './deployment-type';
import { invalidProp } from './errors';
import { idFragment, type IRegistrationTarget, type RegistrationContext } from './registration-target';

/** Props of {@link AwsSecretsManagerTarget}. Exactly one of `secretName` and `existingSecretId`. */
export interface AwsSecretsManagerTargetProps {
  /**
   * The name of a secret the target creates and owns (`aws_secretsmanager_secret`), e.g.
   * `"protector/production/token"`: 1 to 512 of `A-Z a-z 0-9 / _ + = . @ -`.
   * @default - none: pass `existingSecretId` instead
   */
  readonly secretName?: string;
  /**
   * A secret that exists already, by name or ARN: the target only adds versions to it and never
   * changes or deletes the secret itself.
   * @default - none: pass `secretName` instead
   */
  readonly existingSecretId?: string;
  /**
   * The KMS key that encrypts the created secret (key id, key ARN, alias name or alias ARN). The VMs
   * then also need `kms:Decrypt` on it. Only with `secretName`.
   * @default - the account's AWS managed key `aws/secretsmanager`
   */
  readonly kmsKeyId?: string;
  /**
   * The created secret's description, up to 2048 characters. Only with `secretName`.
   * @default - "App & API Protector Hybrid token of a reverse-proxy connection configuration, rotated by Terraform."
   */
  readonly description?: string;
  /**
   * Tags of the created secret: at most 50; keys 1 to 128 characters, not starting with `aws:`;
   * values up to 256 characters. Only with `secretName`.
   * @default - no tags (the provider's `default_tags` still apply)
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Days Secrets Manager keeps the created secret after `terraform destroy` before deleting it for
   * good (7 to 30), or 0 to delete it at once. Only with `secretName`.
   * @default 30
   */
  readonly recoveryWindowInDays?: number;
  /**
   * A short name for this registration (letters, digits, `-`, `_`), used in the construct id and
   * so in resource addresses and plan summaries, e.g. `"production"`. Unique within a connection.
   * @default - derived from the secret's name or ARN
   */
  readonly name?: string;
  /**
   * The hashicorp/aws provider to use (the generated `AwsProvider` of `aws.provider`, or any
   * provider block of `hashicorp/aws` >= 5.100 with Terraform >= 1.11, which write-only attributes need).
   * @default - the stack's default aws provider
   */
  readonly provider?: TerraformProvider;
}

const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]{1,512}$/;
const KMS_KEY = /^(arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[A-Za-z0-9/_-]+|alias\/[A-Za-z0-9/_-]+|[A-Za-z0-9-]{1,2048})$/;
const DEFAULT_DESCRIPTION = 'App & API Protector Hybrid token of a reverse-proxy connection configuration, rotated by Terraform.';

/**
 * Registers the token in an AWS Secrets Manager secret, where reverse-proxy Protector VMs read it
 * (Akamai's AWS deployment steps provision the token there). The value goes through
 * `aws_secretsmanager_secret_version`'s write-only `secret_string_wo` (Terraform >= 1.11), so the
 * aws resource keeps no copy of it in state; `secret_string_wo_version` is derived from the token
 * fingerprint, so every new token makes a new secret version (`AWSCURRENT`). Reverse-proxy
 * deployment type only.
 */
export class AwsSecretsManagerTarget implements IRegistrationTarget {
  /** Always `DeploymentType.REVERSE_PROXY`. */
  public readonly deploymentType = DeploymentType.REVERSE_PROXY;
  /** `AwsSecret-<name>`, or `AwsSecret-<secret>` without a `name`. */
  public readonly id: string;
  /** `AWS Secrets Manager secret <name or ARN>`. */
  public readonly description: string;
  /** The secret's name (created) or name/ARN (existing). */
  public readonly secretId: string;
  /** Whether the target creates and owns the secret. */
  public readonly createsSecret: boolean;
  private readonly props: AwsSecretsManagerTargetProps;

  constructor(props: AwsSecretsManagerTargetProps) {
    const owner = 'AwsSecretsManagerTarget';
    const { secretName, existingSecretId, kmsKeyId, description, tags, recoveryWindowInDays, name } = props ?? ({} as AwsSecretsManagerTargetProps);
    if ((secretName === undefined) === (existingSecretId === undefined)) {
      throw invalidProp(
        owner,
        'secretName',
        secretName,
        'or `existingSecretId` must be given, and not both: `secretName` creates a secret, `existingSecretId` adds versions to one that exists',
      );
    }
    if (secretName !== undefined && (typeof secretName !== 'string' || !SECRET_NAME.test(secretName) || secretName.startsWith('arn:'))) {
      throw invalidProp(owner, 'secretName', secretName, 'must be a secret name of 1 to 512 letters, digits and / _ + = . @ -, such as "protector/production/token"');
    }
    if (existingSecretId !== undefined && (typeof existingSecretId !== 'string' || !(SECRET_NAME.test(existingSecretId) || SECRET_ARN.test(existingSecretId)))) {
      throw invalidProp(
        owner,
        'existingSecretId',
        existingSecretId,
        'must be the name or ARN of a secret, such as "protector/token" or "arn:aws:secretsmanager:eu-west-1:123456789012:secret:protector/token-AbCdEf"',
      );
    }
    const onlyWhenCreated = (prop: 'kmsKeyId' | 'description' | 'tags' | 'recoveryWindowInDays', value: unknown): void => {
      if (value !== undefined && existingSecretId !== undefined) {
        throw invalidProp(owner, prop, value, 'applies only to a secret the target creates (`secretName`); set it on the existing secret where it is managed');
      }
    };
    onlyWhenCreated('kmsKeyId', kmsKeyId);
    onlyWhenCreated('description', description);
    onlyWhenCreated('tags', tags);
    onlyWhenCreated('recoveryWindowInDays', recoveryWindowInDays);
    if (kmsKeyId !== undefined && (typeof kmsKeyId !== 'string' || !KMS_KEY.test(kmsKeyId))) {
      throw invalidProp(owner, 'kmsKeyId', kmsKeyId, 'must be a KMS key id, key ARN, alias name ("alias/protector") or alias ARN');
    }
    if (description !== undefined && (typeof description !== 'string' || description.length > 2048)) {
      throw invalidProp(owner, 'description', description, 'must be a string of at most 2048 characters');
    }
    if (tags !== undefined) validateTags(owner, tags);
    if (
      recoveryWindowInDays !== undefined &&
      (!Number.isInteger(recoveryWindowInDays) || (recoveryWindowInDays !== 0 && (recoveryWindowInDays < 7 || recoveryWindowInDays > 30)))
    ) {
      throw invalidProp(owner, 'recoveryWindowInDays', recoveryWindowInDays, 'must be 0 (delete at once) or a whole number of days from 7 to 30');
    }
    if (name !== undefined && (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(name))) {
      throw invalidProp(owner, 'name', name, 'must be 1 to 64 letters, digits, "-" or "_", such as "production"');
    }
    this.props = { ...props, tags: tags && { ...tags } };
    this.createsSecret = secretName !== undefined;
    this.secretId = (secretName ?? existingSecretId) as string;
    this.id = `AwsSecret-${name ?? idFragment(this.secretId.replace(/^arn:.*:secret:/, ''))}`;
    this.description = `AWS Secrets Manager secret ${this.secretId}`;
  }

  public bind(scope: Construct, context: RegistrationContext): void {
    const { secretName, kmsKeyId, description, tags, recoveryWindowInDays, provider } = this.props;
    const secret =
      secretName === undefined
        ? undefined
        : new SecretsmanagerSecret(scope, 'Secret', {
            provider,
            name: secretName,
            description: description ?? DEFAULT_DESCRIPTION,
            kmsKeyId,
            tags: tags && { ...tags },
            recoveryWindowInDays,
          });
    new SecretsmanagerSecretVersion(scope, 'Version', {
      provider,
      secretId: secret ? secret.arn : this.secretId,
      // Write-only: the aws provider sends the value to Secrets Manager and stores nothing of it.
      // The value comes from the connection's TokenValueSource: the ephemeral protector_token_value
      // by default (stored nowhere), protector_token.value with storeTokenValueInState.
      secretStringWo: context.tokenValue,
      // The aws provider writes a write-only value only when this number changes, so it must change
      // with every token: derive it from the fingerprint (a hash of the value), not a creation time.
      secretStringWoVersion: writeOnlyVersion(context.tokenFingerprint),
    });
  }
}

function validateTags(owner: string, tags: Readonly<Record<string, string>>): void {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) throw invalidProp(owner, 'tags', tags, 'must be an object of tag names to values');
  const entries = Object.entries(tags);
  if (entries.length > 50) throw invalidProp(owner, 'tags', `${entries.length} tags`, 'must hold at most 50 tags');
  for (const [key, value] of entries) {
    if (key.length < 1 || key.length > 128 || key.toLowerCase().startsWith('aws:')) {
      throw invalidProp(owner, 'tags', key, 'must have keys of 1 to 128 characters that do not start with "aws:"');
    }
    if (typeof value !== 'string' || value.length > 256) throw invalidProp(owner, `tags[${JSON.stringify(key)}]`, value, 'must be a string of at most 256 characters');
  }
}

/**
 * A `secret_string_wo_version` that changes with the token: the first 48 bits of a hash of its
 * fingerprint, plus one; a whole number well inside the provider's int64.
 */
function writeOnlyVersion(tokenFingerprint: string): number {
  return Token.asNumber(Op.add(Fn.parseint(Fn.substr(Fn.sha256(tokenFingerprint), 0, 12), 16), 1));
}
