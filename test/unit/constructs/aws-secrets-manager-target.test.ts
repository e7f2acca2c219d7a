import { TerraformStack, Testing } from 'cdktf';
import { aws, AwsSecretsManagerTarget, type AwsSecretsManagerTargetProps, DeploymentType, ProtectorConnection, RotationPolicy } from '../../../constructs';
import { evaluateWithTerraform, newStack, synthJson } from '../../helpers/constructs';

function reverseProxyConnection(stack: TerraformStack, target: AwsSecretsManagerTarget, deploymentType = DeploymentType.REVERSE_PROXY): ProtectorConnection {
  return new ProtectorConnection(stack, 'Edge', {
    name: 'edge',
    deploymentType,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.every('30d'),
    registrations: [target],
  });
}

function tokenExpression(connection: ProtectorConnection, attribute: string): string {
  return `\${${connection.token.terraformResourceType}.${connection.token.friendlyUniqueId}.${attribute}}`;
}

describe('AwsSecretsManagerTarget', () => {
  let stack: TerraformStack;
  beforeEach(() => {
    stack = newStack();
    new aws.provider.AwsProvider(stack, 'aws', { region: 'eu-west-1' });
  });

  test('creates the secret and writes the ephemeral token value only into the write-only secret_string_wo', () => {
    // WHEN
    const connection = reverseProxyConnection(
      stack,
      new AwsSecretsManagerTarget({ secretName: 'protector/production/token', kmsKeyId: 'alias/protector', tags: { team: 'edge' }, description: 'edge token' }),
    );
    // THEN
    const json = synthJson(stack);
    const secrets = Object.values(json.resource.aws_secretsmanager_secret);
    expect(secrets).toEqual([
      expect.objectContaining({ name: 'protector/production/token', kms_key_id: 'alias/protector', tags: { team: 'edge' }, description: 'edge token' }),
    ]);
    const [secretName] = Object.keys(json.resource.aws_secretsmanager_secret);
    const ephemeral = (json as unknown as { ephemeral: { protector_token_value: Record<string, unknown> } }).ephemeral.protector_token_value;
    const [ephemeralName] = Object.keys(ephemeral);
    const versions = Object.values(json.resource.aws_secretsmanager_secret_version);
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      secret_id: `\${aws_secretsmanager_secret.${secretName}.arn}`,
      secret_string_wo: `\${ephemeral.protector_token_value.${ephemeralName}.value}`,
    });
    expect(JSON.stringify(json)).not.toContain(tokenExpression(connection, 'value'));
    expect(versions[0]).not.toHaveProperty('secret_string');
    expect(String(versions[0]!.secret_string_wo_version)).toContain(tokenExpression(connection, 'fingerprint').slice(2, -1));
    // AND the stack declares hashicorp/aws
    expect(json.terraform?.required_providers).toMatchObject({ aws: { source: 'hashicorp/aws', version: '5.100.0' } });
  });

  test('an existing secret by ARN gets versions only: no secret resource, and the ARN is passed through', () => {
    const arn = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:protector/token-AbCdEf';
    const target = new AwsSecretsManagerTarget({ existingSecretId: arn, name: 'prod' });
    reverseProxyConnection(stack, target);
    const json = synthJson(stack);
    expect(json.resource.aws_secretsmanager_secret).toBeUndefined();
    expect(Object.values(json.resource.aws_secretsmanager_secret_version)[0]).toMatchObject({ secret_id: arn });
    expect(target.id).toBe('AwsSecret-prod');
    expect(target.description).toBe(`AWS Secrets Manager secret ${arn}`);
  });

  test('every new token gets another secret_string_wo_version, even two tokens created in the same second', () => {
    reverseProxyConnection(stack, new AwsSecretsManagerTarget({ existingSecretId: 'protector/token' }));
    const version = String(Object.values(synthJson(stack).resource.aws_secretsmanager_secret_version)[0]!.secret_string_wo_version);
    const old = evaluateWithTerraform(version, { id: 'tok_old', fingerprint: 'sha256:0123456789ab', created_at: '2026-03-01T10:00:00.100Z' });
    const next = evaluateWithTerraform(version, { id: 'tok_new', fingerprint: 'sha256:fedcba987654', created_at: '2026-03-01T10:00:00.900Z' });
    expect(next).not.toBe(old);
    for (const value of [old, next]) {
      expect(value).toMatch(/^[1-9][0-9]*$/);
      expect(Number.isSafeInteger(Number(value))).toBe(true);
    }
  }, 180_000);

  test('refuses a Kubernetes connection: a reverse-proxy token would not work there', () => {
    expect(() => reverseProxyConnection(stack, new AwsSecretsManagerTarget({ secretName: 'protector/token' }), DeploymentType.KUBERNETES)).toThrow(
      /`registrations\[0\]` \(AWS Secrets Manager secret protector\/token\) only works with deploymentType DeploymentType.REVERSE_PROXY/,
    );
  });

  test('with storeTokenValueInState (Terraform < 1.11), secret_string_wo gets the stored protector_token.value', () => {
    const connection = new ProtectorConnection(stack, 'Edge', {
      name: 'edge',
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.every('30d'),
      storeTokenValueInState: true,
      registrations: [new AwsSecretsManagerTarget({ secretName: 'protector/token' })],
    });
    const json = synthJson(stack);
    expect(Object.values(json.resource.aws_secretsmanager_secret_version)[0]).toMatchObject({ secret_string_wo: tokenExpression(connection, 'value') });
    expect(json).not.toHaveProperty('ephemeral');
  });

  test('the synthesized stack holds no token value and no plain secret_string', () => {
    reverseProxyConnection(stack, new AwsSecretsManagerTarget({ secretName: 'protector/token' }));
    const text = Testing.synth(stack);
    expect(text).not.toMatch(/"secret_string"/);
    expect(text).not.toMatch(/"secret_binary"/);
  });

  test.each<[string, AwsSecretsManagerTargetProps, RegExp]>([
    ['neither secret', {}, /`secretName` or `existingSecretId` must be given, and not both/],
    ['both secrets', { secretName: 'a', existingSecretId: 'b' }, /`secretName` or `existingSecretId` must be given, and not both/],
    ['a bad name', { secretName: 'has space' }, /`secretName` must be a secret name .* got "has space"/],
    ['an ARN as secretName', { secretName: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:x' }, /`secretName` must be a secret name/],
    ['a bad ARN', { existingSecretId: 'arn:aws:s3:::bucket' }, /`existingSecretId` must be the name or ARN of a secret/],
    ['a KMS key on an existing secret', { existingSecretId: 'x', kmsKeyId: 'alias/k' }, /`kmsKeyId` applies only to a secret the target creates/],
    ['tags on an existing secret', { existingSecretId: 'x', tags: { a: 'b' } }, /`tags` applies only to a secret the target creates/],
    ['a bad KMS key', { secretName: 'x', kmsKeyId: 'alias/has space' }, /`kmsKeyId` must be a KMS key id/],
    ['an aws: tag', { secretName: 'x', tags: { 'aws:owner': 'me' } }, /`tags` must have keys of 1 to 128 characters that do not start with "aws:", got "aws:owner"/],
    ['a long description', { secretName: 'x', description: 'd'.repeat(2049) }, /`description` must be a string of at most 2048 characters/],
    [
      'a 3-day recovery window',
      { secretName: 'x', recoveryWindowInDays: 3 },
      /`recoveryWindowInDays` must be 0 \(delete at once\) or a whole number of days from 7 to 30, got 3/,
    ],
    ['a bad registration name', { secretName: 'x', name: 'a b' }, /`name` must be 1 to 64 letters/],
  ])('refuses %s, saying what to change', (_, props, message) => {
    expect(() => new AwsSecretsManagerTarget(props)).toThrow(message);
  });
});
