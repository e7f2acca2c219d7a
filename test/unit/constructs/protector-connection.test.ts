import { DataResource, Fn, TerraformLocal, TerraformOutput, TerraformStack, Testing } from 'cdktf';
import type { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  DeploymentType,
  KubernetesSecretTarget,
  Protocol,
  ProtectorConnection,
  type IRegistrationTarget,
  type ProtectorConnectionProps,
  type RegistrationContext,
  ProtectorProvider,
  RotationPolicy,
  TokenFileTarget,
} from '../../../constructs';
import { ConnectionConfiguration } from '../../../constructs/.gen/providers/protector/connection-configuration';
import { Token } from '../../../constructs/.gen/providers/protector/token';
import { TokenFile } from '../../../constructs/.gen/providers/protector/token-file';
import { annotationsOf, newStack, synthJson } from '../../helpers/constructs';

function reverseProxyProps(overrides: Partial<ProtectorConnectionProps> = {}): ProtectorConnectionProps {
  return {
    name: 'edge-vm',
    deploymentType: DeploymentType.REVERSE_PROXY,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    target: { host: 'origin.example.com', ports: [443, 8443], protocol: Protocol.HTTPS },
    rotation: RotationPolicy.every('90d', { drainTimeout: '15m', keepers: { reason: 'initial' } }),
    registrations: [new TokenFileTarget({ path: '/etc/protector/token' })],
    ...overrides,
  };
}

function kubernetesProps(overrides: Partial<ProtectorConnectionProps> = {}): ProtectorConnectionProps {
  return {
    name: 'cluster',
    deploymentType: DeploymentType.KUBERNETES,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.every('30d'),
    registrations: [new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token' })],
    ...overrides,
  };
}

/** The interpolation Terraform JSON uses for `resource.attribute`. */
function ref(resource: ConnectionConfiguration | Token, attribute: string): string {
  return `\${${resource.terraformResourceType}.${resource.friendlyUniqueId}.${attribute}}`;
}

describe('ProtectorConnection', () => {
  let stack: TerraformStack;
  beforeEach(() => {
    stack = newStack();
    new KubernetesProvider(stack, 'kubernetes', {});
  });

  test('creates the configuration with its deployment type and target', () => {
    // WHEN
    new ProtectorConnection(stack, 'Edge', reverseProxyProps());
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(ConnectionConfiguration, {
      name: 'edge-vm',
      deployment_type: 'reverse_proxy',
      contract_id: 'ctr_1',
      group_id: 'grp_1',
      target: { host: 'origin.example.com', ports: [443, 8443], protocol: 'https' },
    });
  });

  test('creates a create_before_destroy token from the rotation policy', () => {
    const connection = new ProtectorConnection(stack, 'Edge', reverseProxyProps());
    expect(Testing.synth(stack)).toHaveResourceWithProperties(Token, {
      connection_configuration_id: ref(connection.configuration, 'id'),
      rotation_period: '90d',
      drain_timeout: '15m',
      keepers: { reason: 'initial' },
      lifecycle: { create_before_destroy: true },
    });
  });

  test('every registration references the token, so it moves before the old token is revoked', () => {
    // WHEN
    const connection = new ProtectorConnection(
      stack,
      'Edge',
      reverseProxyProps({
        registrations: [new TokenFileTarget({ path: '/etc/protector/token' }), new TokenFileTarget({ path: '/srv/protector/token', filePermission: '640' })],
      }),
    );
    // THEN
    const files = Object.values(synthJson(stack).resource.protector_token_file);
    expect(files).toHaveLength(2);
    for (const file of files) expect(file.token_id).toBe(ref(connection.token, 'id'));
    expect(files.map((file) => file.file_permission).sort()).toEqual(['0600', '0640']);
  });

  test('a Kubernetes connection has no target and registers on a Secret', () => {
    new ProtectorConnection(stack, 'Cluster', kubernetesProps());
    const json = synthJson(stack);
    expect(Object.values(json.resource.protector_connection_configuration)[0]).not.toHaveProperty('target');
    expect(Object.keys(json.resource.kubernetes_secret_v1)).toHaveLength(1);
  });

  test('exposes ids, the fingerprint and the value as references', () => {
    // GIVEN
    const connection = new ProtectorConnection(stack, 'Edge', reverseProxyProps());
    // WHEN
    new TerraformOutput(stack, 'configuration_id', { value: connection.connectionConfigurationId });
    new TerraformOutput(stack, 'token_id', { value: connection.tokenId });
    new TerraformOutput(stack, 'fingerprint', { value: connection.tokenFingerprint });
    new TerraformOutput(stack, 'rotate_after', { value: connection.tokenRotateAfter });
    new TerraformLocal(stack, 'value', connection.tokenValue);
    // THEN
    const json = synthJson(stack) as unknown as {
      output: Record<string, { value: string }>;
      locals: Record<string, string>;
      ephemeral: { protector_token_value: Record<string, Record<string, string>> };
    };
    const outputs = json.output;
    expect(outputs.configuration_id.value).toBe(ref(connection.configuration, 'id'));
    expect(outputs.token_id.value).toBe(ref(connection.token, 'id'));
    expect(outputs.fingerprint.value).toBe(ref(connection.token, 'fingerprint'));
    expect(outputs.rotate_after.value).toBe(ref(connection.token, 'rotate_after'));
    // The value is ephemeral by default: a reference to the one ephemeral block that reads it.
    const [name, block] = Object.entries(json.ephemeral.protector_token_value)[0]!;
    expect(Object.keys(json.ephemeral.protector_token_value)).toHaveLength(1);
    expect(json.locals.value).toBe(`\${ephemeral.protector_token_value.${name}.value}`);
    expect(block).toEqual({ connection_configuration_id: ref(connection.token, 'connection_configuration_id'), token_id: ref(connection.token, 'id') });
    expect(connection.tokenValueSource.ephemeral).toBe(true);
  });

  test('storeTokenValueInState hands out protector_token.value, sets store_value and warns at synth', () => {
    const connection = new ProtectorConnection(stack, 'Edge', { ...reverseProxyProps(), storeTokenValueInState: true });
    new TerraformOutput(stack, 'value', { value: connection.tokenValue, sensitive: true });
    const json = synthJson(stack) as unknown as {
      output: Record<string, { value: string }>;
      resource: Record<string, Record<string, Record<string, unknown>>>;
      ephemeral?: unknown;
    };
    expect(json.output.value.value).toBe(ref(connection.token, 'value'));
    expect(Object.values(json.resource.protector_token)[0]).toMatchObject({ store_value: true });
    expect(json.ephemeral).toBeUndefined();
    expect(annotationsOf(stack)).toEqual([
      expect.objectContaining({
        level: 'warning',
        message: expect.stringContaining('`storeTokenValueInState` is on, so protector_token keeps the token value in Terraform state'),
      }),
    ]);
  });

  test('without a consumer of the value, no ephemeral block is written and the token stores no value', () => {
    new ProtectorConnection(stack, 'Edge', reverseProxyProps());
    const json = synthJson(stack) as unknown as { resource: Record<string, Record<string, Record<string, unknown>>>; ephemeral?: unknown };
    expect(json.ephemeral).toBeUndefined();
    expect(Object.values(json.resource.protector_token)[0]).not.toHaveProperty('store_value');
  });

  test('an output or terraform_data receiving the ephemeral tokenValue fails validation, even a sensitive output', () => {
    const connection = new ProtectorConnection(stack, 'Edge', reverseProxyProps());
    new TerraformOutput(stack, 'secret', { value: connection.tokenValue, sensitive: true });
    new DataResource(stack, 'copy', { input: { token: connection.tokenValue } });
    expect(() => Testing.synth(stack, true)).toThrow(
      /the output "secret" receives `tokenValue`, which is ephemeral.*terraform_data "copy" receives `tokenValue`, which is ephemeral/s,
    );
  });

  test('stored in state: an output exposing tokenValue without sensitive fails validation, saying to mark it sensitive', () => {
    // GIVEN
    const connection = new ProtectorConnection(stack, 'Edge', { ...reverseProxyProps(), storeTokenValueInState: true });
    // WHEN
    new TerraformOutput(stack, 'leaky', { value: connection.tokenValue });
    // THEN
    expect(() => Testing.synth(stack, true)).toThrow(/ProtectorConnection 'test\/Edge': the output "leaky" exposes `tokenValue` but is not sensitive.*sensitive: true/);
  });

  test('stored in state: an output exposing tokenValue inside an expression is caught too', () => {
    const connection = new ProtectorConnection(stack, 'Edge', { ...reverseProxyProps(), storeTokenValueInState: true });
    new TerraformOutput(stack, 'encoded', { value: Fn.base64encode(connection.tokenValue) });
    expect(() => Testing.synth(stack, true)).toThrow(/the output "encoded" exposes `tokenValue`/);
  });

  test('stored in state: tokenValue passed through terraform_data fails validation (it drops sensitivity)', () => {
    const connection = new ProtectorConnection(stack, 'Edge', { ...reverseProxyProps(), storeTokenValueInState: true });
    new DataResource(stack, 'copy', { input: { token: connection.tokenValue } });
    expect(() => Testing.synth(stack, true)).toThrow(/terraform_data "copy" receives `tokenValue`.*prints it in plain text/);
  });

  test('stored in state: a sensitive output of tokenValue and outputs of other attributes pass validation', () => {
    const connection = new ProtectorConnection(stack, 'Edge', { ...reverseProxyProps(), storeTokenValueInState: true });
    new TerraformOutput(stack, 'value', { value: connection.tokenValue, sensitive: true });
    new TerraformOutput(stack, 'fingerprint', { value: connection.tokenFingerprint });
    new DataResource(stack, 'fingerprint_copy', { input: { fingerprint: connection.tokenFingerprint } });
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('a custom registration target that never refers to the token fails validation, saying why', () => {
    // GIVEN a target whose resource does not use the token it is given
    const forgetful: IRegistrationTarget = {
      deploymentType: DeploymentType.REVERSE_PROXY,
      id: 'Vault',
      description: 'secret store entry',
      bind: (scope: Construct) => {
        new DataResource(scope, 'Entry', { input: { path: 'secret/protector' } });
      },
    };
    // WHEN
    new ProtectorConnection(stack, 'Edge', reverseProxyProps({ registrations: [new TokenFileTarget({ path: '/etc/protector/token' }), forgetful] }));
    // THEN
    expect(() => Testing.synth(stack, true)).toThrow(
      /`registrations\[1\]` \(secret store entry\) created no resource that refers to the token, so it would never receive a new token, and Terraform would not wait for it before revoking the old one/,
    );
  });

  test('a custom registration target that refers to the token passes validation', () => {
    const wired: IRegistrationTarget = {
      deploymentType: DeploymentType.REVERSE_PROXY,
      id: 'Audit',
      description: 'audit record',
      bind: (scope: Construct, context: RegistrationContext) => {
        new DataResource(scope, 'Entry', { input: { fingerprint: context.tokenFingerprint } });
      },
    };
    new ProtectorConnection(stack, 'Edge', reverseProxyProps({ registrations: [wired] }));
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  test('uses the given provider', () => {
    const other = newStack();
    const staging = new ProtectorProvider(other, 'staging', { alias: 'staging', installInStackOutput: false });
    new ProtectorConnection(other, 'Edge', reverseProxyProps({ provider: staging }));
    expect(Testing.synth(other)).toHaveResourceWithProperties(Token, { provider: 'protector.staging' });
    expect(Testing.synth(other)).toHaveResourceWithProperties(TokenFile, { provider: 'protector.staging' });
  });

  test('a period above the recommendation adds a warning annotation', () => {
    // WHEN
    new ProtectorConnection(stack, 'Edge', reverseProxyProps({ rotation: RotationPolicy.every('200d') }));
    // THEN
    expect(annotationsOf(stack)).toEqual([
      expect.objectContaining({ level: 'warning', path: 'test/Edge', message: expect.stringMatching(/"200d" is longer than 182 days/) }),
    ]);
  });

  test('the recommended policy adds no annotation', () => {
    new ProtectorConnection(stack, 'Edge', reverseProxyProps({ rotation: RotationPolicy.recommended() }));
    expect(annotationsOf(stack)).toEqual([]);
  });

  test('no registrations adds a warning', () => {
    new ProtectorConnection(stack, 'Edge', reverseProxyProps({ registrations: [] }));
    expect(annotationsOf(stack)).toEqual([expect.objectContaining({ level: 'warning', message: expect.stringMatching(/`registrations` is empty/) })]);
  });

  test('a Kubernetes target on a reverse-proxy connection is an error saying why', () => {
    expect(
      () =>
        new ProtectorConnection(
          stack,
          'Edge',
          reverseProxyProps({
            registrations: [new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token' })],
          }),
        ),
    ).toThrow(
      /`registrations\[0\]` \(Kubernetes Secret protector\/protector-token\) only works with deploymentType DeploymentType\.KUBERNETES.*is DeploymentType\.REVERSE_PROXY\. A token only works on the deployment type it was created for/,
    );
  });

  test('a token file on a Kubernetes connection is an error saying why', () => {
    expect(() => new ProtectorConnection(stack, 'Cluster', kubernetesProps({ registrations: [new TokenFileTarget({ path: '/etc/protector/token' })] }))).toThrow(
      /`registrations\[0\]` \(token file \/etc\/protector\/token\) only works with deploymentType DeploymentType\.REVERSE_PROXY/,
    );
  });

  test('a target on a Kubernetes connection is an error', () => {
    expect(() => new ProtectorConnection(stack, 'Cluster', kubernetesProps({ target: { host: 'origin.example.com', ports: [443] } }))).toThrow(
      /`target` is only valid for deploymentType DeploymentType\.REVERSE_PROXY/,
    );
  });

  test('the same target twice is an error', () => {
    const file = new TokenFileTarget({ path: '/etc/protector/token' });
    expect(() => new ProtectorConnection(stack, 'Edge', reverseProxyProps({ registrations: [file, new TokenFileTarget({ path: '/etc/protector/token' })] }))).toThrow(
      /`registrations\[1\]` registers token file \/etc\/protector\/token a second time/,
    );
  });

  test.each<[string, Partial<ProtectorConnectionProps>, RegExp]>([
    ['empty name', { name: ' ' }, /`name` must be a non-empty string of at most 128 characters, got " "/],
    [
      'padded name (the API trims names, so the provider refuses it)',
      { name: ' edge ' },
      /`name` must be a non-empty string of at most 128 characters without leading or trailing spaces, got " edge "/,
    ],
    ['long name', { name: 'n'.repeat(129) }, /`name` must be a non-empty string of at most 128 characters/],
    ['empty contract', { contractId: '' }, /`contractId` must be a non-empty string.*got ""/],
    ['missing group', { groupId: undefined as unknown as string }, /`groupId` must be a non-empty string.*got undefined/],
    ['long description', { description: 'd'.repeat(1025) }, /`description` must be a non-empty string of at most 1024/],
    [
      'string deployment type',
      { deploymentType: 'kubernetes' as unknown as DeploymentType },
      /`deploymentType` must be DeploymentType\.KUBERNETES or DeploymentType\.REVERSE_PROXY, got "kubernetes"/,
    ],
    ['string rotation', { rotation: '90d' as unknown as RotationPolicy }, /`rotation` must be a RotationPolicy.*got "90d"/],
    ['bad host', { target: { host: 'https://origin', ports: [443] } }, /`target\.host` must be a host name.*got "https:\/\/origin"/],
    ['no ports', { target: { host: 'origin', ports: [] } }, /`target\.ports` must list 1 to 16 ports.*got \[\]/],
    ['port out of range', { target: { host: 'origin', ports: [70000] } }, /`target\.ports`.*got \[70000\]/],
    [
      'duplicate ports (the API refuses them)',
      { target: { host: 'origin', ports: [443, 443] } },
      /`target\.ports` must list 1 to 16 ports.*expected each port once; remove the duplicates.*got \[443,443\]/,
    ],
    [
      'bad protocol',
      { target: { host: 'origin', ports: [80], protocol: 'ftp' as unknown as Protocol } },
      /`target\.protocol` must be Protocol\.HTTP or Protocol\.HTTPS, got "ftp"/,
    ],
    ['registrations not a list', { registrations: undefined as unknown as [] }, /`registrations` must be a list of registration targets/],
    ['registration not a target', { registrations: [{ path: '/x' } as never] }, /`registrations\[0\]` must be a registration target.*got \{"path":"\/x"\}/],
  ])('rejects %s at construction, naming the prop', (_case, overrides, expected) => {
    expect(() => new ProtectorConnection(stack, 'Edge', reverseProxyProps(overrides))).toThrow(expected);
  });

  test('missing props are an error naming them', () => {
    expect(() => new ProtectorConnection(stack, 'Edge', undefined as unknown as ProtectorConnectionProps)).toThrow(/`props` must be an object, got undefined/);
  });

  test('the error names the construct path', () => {
    expect(() => new ProtectorConnection(stack, 'Edge', reverseProxyProps({ name: '' }))).toThrow(/^ProtectorConnection 'test\/Edge': /);
  });

  test('a stack without a ProtectorProvider fails validation', () => {
    // GIVEN
    const bare = new TerraformStack(Testing.app(), 'bare');
    new ProtectorConnection(bare, 'Edge', reverseProxyProps());
    // THEN
    expect(() => Testing.synth(bare, true)).toThrow(/the stack has no ProtectorProvider/);
  });
});
