/**
 * Issue 12: a state backend per environment (local for the demo, pg or s3 in CI) without
 * credentials or absolute paths in cdk.tf.json, and one token file path per registration in an app.
 */
import { App, TerraformStack, Testing } from 'cdktf';
import { DeploymentType, ProtectorConnection, ProtectorProvider, RotationPolicy, StateBackend, TokenFileTarget } from '../../../constructs';
import { synthJson } from '../../helpers/constructs';

function edgeStack(app: App, environment: string, tokenPath: string): TerraformStack {
  const stack = new TerraformStack(app, environment);
  new ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:8080', installInStackOutput: false });
  new ProtectorConnection(stack, 'edge', {
    name: `edge-${environment}`,
    deploymentType: DeploymentType.REVERSE_PROXY,
    contractId: 'C-0N7RAC7',
    groupId: '12345',
    target: { host: 'origin.example.com', ports: [443] },
    rotation: RotationPolicy.every('30d'),
    registrations: [new TokenFileTarget({ path: tokenPath })],
  });
  return stack;
}

describe('token file paths', () => {
  test('two environments writing the same token file path is a synth-time error naming both registrations', () => {
    // GIVEN the README's old example: both environments at one path
    const app = Testing.app();
    edgeStack(app, 'staging', '/etc/protector/token');
    // WHEN / THEN
    expect(() => edgeStack(app, 'production', '/etc/protector/token')).toThrow(
      /TokenFileTarget: `path` "\/etc\/protector\/token" is written by two registrations of this app: staging\/edge\/TokenFile-.* and production\/edge\/TokenFile-.*such as "\/etc\/protector\/ENVIRONMENT\.token"/,
    );
  });

  test('one path per environment is fine, and separate apps do not see each other', () => {
    const app = Testing.app();
    edgeStack(app, 'staging', '/etc/protector/staging.token');
    expect(() => edgeStack(app, 'production', '/etc/protector/production.token')).not.toThrow();
    expect(() => edgeStack(Testing.app(), 'staging', '/etc/protector/staging.token')).not.toThrow();
  });
});

describe('StateBackend.forEnvironment', () => {
  const saved = process.env.PROTECTOR_STATE_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.PROTECTOR_STATE_BACKEND;
    else process.env.PROTECTOR_STATE_BACKEND = saved;
  });

  function backendOf(configure: (stack: TerraformStack) => void): Record<string, unknown> {
    const stack = edgeStack(Testing.app(), 'staging', '/etc/protector/staging.token');
    configure(stack);
    return (synthJson(stack).terraform as { backend: Record<string, unknown> }).backend;
  }

  test('local by default: a relative path outside cdktf.out, one state file per environment', () => {
    delete process.env.PROTECTOR_STATE_BACKEND;
    expect(backendOf((stack) => StateBackend.forEnvironment(stack, { environment: 'staging' }))).toEqual({ local: { path: '../../../terraform.staging.tfstate' } });
  });

  test('pg from PROTECTOR_STATE_BACKEND: a schema per environment, and no connection string in cdk.tf.json', () => {
    process.env.PROTECTOR_STATE_BACKEND = 'pg';
    expect(backendOf((stack) => StateBackend.forEnvironment(stack, { environment: 'staging' }))).toEqual({ pg: { schema_name: 'protector_staging' } });
  });

  test("s3: a key per environment, encrypted, locked by S3's lock file", () => {
    expect(backendOf((stack) => StateBackend.forEnvironment(stack, { environment: 'staging', kind: 's3', s3Bucket: 'tf-state', s3Region: 'eu-west-1' }))).toEqual({
      s3: { bucket: 'tf-state', key: 'protector/staging/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  test('bad input says what to change', () => {
    const stack = new TerraformStack(Testing.app(), 'x');
    expect(() => StateBackend.forEnvironment(stack, { environment: 'Prod Env' })).toThrow(/`environment` must be 1-40 lowercase letters.*got "Prod Env"/);
    expect(() => StateBackend.forEnvironment(stack, { environment: 'prod', kind: 'consul' as 'pg' })).toThrow(/`kind` must be "local", "pg" or "s3".*got "consul"/);
    expect(() => StateBackend.forEnvironment(stack, { environment: 'prod', kind: 's3' })).toThrow(/`s3Bucket` must name the bucket/);
  });
});
