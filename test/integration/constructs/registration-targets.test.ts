import { TerraformStack, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { SecretV1 } from '@cdktf/provider-kubernetes/lib/secret-v1';
import { Annotations as KubernetesAnnotations } from '@cdktf/provider-kubernetes/lib/annotations';
import { DeploymentType, KubernetesSecretTarget, type KubernetesSecretTargetProps, ProtectorConnection, RotationPolicy, TokenFileTarget } from '../../../constructs';
import { TokenFile } from '../../../constructs/.gen/providers/protector/token-file';
import { evaluateWithTerraform, newStack, synthJson } from '../../helpers/constructs';

function kubernetesConnection(stack: TerraformStack, target: KubernetesSecretTarget, storeTokenValueInState?: boolean): ProtectorConnection {
  return new ProtectorConnection(stack, 'Cluster', {
    storeTokenValueInState,
    name: 'cluster',
    deploymentType: DeploymentType.KUBERNETES,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.every('30d'),
    registrations: [target],
  });
}

function tokenExpression(connection: ProtectorConnection, attribute: string): string {
  return `\${${connection.token.terraformResourceType}.${connection.token.friendlyUniqueId}.${attribute}}`;
}

/** `${ephemeral.protector_token_value.NAME.value}`: the connection's one ephemeral block. */
function ephemeralValueExpression(stack: TerraformStack): string {
  const blocks = (synthJson(stack) as unknown as { ephemeral: { protector_token_value: Record<string, unknown> } }).ephemeral.protector_token_value;
  expect(Object.keys(blocks)).toHaveLength(1);
  return `\${ephemeral.protector_token_value.${Object.keys(blocks)[0]!}.value}`;
}

describe('KubernetesSecretTarget', () => {
  let stack: TerraformStack;
  beforeEach(() => {
    stack = newStack();
    new KubernetesProvider(stack, 'kubernetes', {});
  });

  test('by default writes the ephemeral token value into the write-only data_wo: no attribute that is stored holds it', () => {
    // WHEN
    const connection = kubernetesConnection(stack, new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token' }));
    // THEN
    const secret = Object.values(synthJson(stack).resource.kubernetes_secret_v1)[0];
    expect(secret.data_wo).toEqual({ token: ephemeralValueExpression(stack) });
    expect(secret.data_wo_revision).toContain(`sha256(${tokenExpression(connection, 'fingerprint').slice(2, -1)})`);
    expect(secret).not.toHaveProperty('data');
    expect(JSON.stringify(synthJson(stack))).not.toContain(tokenExpression(connection, 'value'));
    const token = Object.values((synthJson(stack) as unknown as { resource: { protector_token: Record<string, object> } }).resource.protector_token)[0];
    expect(token).not.toHaveProperty('store_value');
  });

  test('writeOnly: false needs the value in state: refused with the ephemeral default, saying what to set', () => {
    expect(() => kubernetesConnection(stack, new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', writeOnly: false }))).toThrow(
      /`writeOnly: false` writes the token into `data`.*storeTokenValueInState: true/,
    );
  });

  test("with storeTokenValueInState and writeOnly: false, the token goes into the Secret's (sensitive) data, so drift is repaired", () => {
    // WHEN
    const connection = kubernetesConnection(stack, new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', writeOnly: false }), true);
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(SecretV1, {
      metadata: {
        name: 'protector-token',
        namespace: 'protector',
        annotations: { 'protector-iac.dev/token-fingerprint': tokenExpression(connection, 'fingerprint') },
      },
      type: 'Opaque',
      data: { token: tokenExpression(connection, 'value') },
    });
    const secret = Object.values(synthJson(stack).resource.kubernetes_secret_v1)[0];
    expect(secret).not.toHaveProperty('data_wo');
    expect(secret).not.toHaveProperty('data_wo_revision');
  });

  test('with storeTokenValueInState, writeOnly puts the stored token value into data_wo, with a custom key', () => {
    const connection = kubernetesConnection(
      stack,
      new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', key: 'TOKEN', writeOnly: true }),
      true,
    );
    const secret = Object.values(synthJson(stack).resource.kubernetes_secret_v1)[0];
    expect(secret.data_wo).toEqual({ TOKEN: tokenExpression(connection, 'value') });
    expect(secret).not.toHaveProperty('data');
  });

  test('writeOnly: every new token gets another data_wo_revision, even two tokens created in the same second', () => {
    // GIVEN a write-only Secret: the kubernetes provider re-sends data_wo only when data_wo_revision changes
    kubernetesConnection(stack, new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', writeOnly: true }));
    const revision = String(Object.values(synthJson(stack).resource.kubernetes_secret_v1)[0].data_wo_revision);
    // WHEN terraform evaluates it for an old token and the token that replaces it within the same second
    const old = evaluateWithTerraform(revision, { id: 'tok_old', fingerprint: 'sha256:0123456789ab', created_at: '2026-03-01T10:00:00.100Z' });
    const replacement = evaluateWithTerraform(revision, { id: 'tok_new', fingerprint: 'sha256:fedcba987654', created_at: '2026-03-01T10:00:00.900Z' });
    // THEN the revisions differ, and each is a whole number of at least 1 (the provider's minimum)
    expect(replacement).not.toBe(old);
    for (const value of [old, replacement]) {
      expect(value).toMatch(/^[1-9][0-9]*$/);
      expect(Number.isSafeInteger(Number(value))).toBe(true);
    }
  }, 180_000);

  test('annotates the pod template of each workload to restart with the fingerprint, after the Secret', () => {
    // WHEN
    const connection = kubernetesConnection(
      stack,
      new KubernetesSecretTarget({
        namespace: 'protector',
        secretName: 'protector-token',
        restart: [
          { kind: 'Deployment', name: 'protector' },
          { kind: 'DaemonSet', name: 'protector-agent', namespace: 'edge' },
          { kind: 'StatefulSet', name: 'cache' },
        ],
      }),
    );
    // THEN
    const json = synthJson(stack);
    const secretId = Object.keys(json.resource.kubernetes_secret_v1)[0];
    const annotations = Object.values(json.resource.kubernetes_annotations);
    expect(annotations).toHaveLength(3);
    expect(annotations.map((a) => [a.kind, a.metadata])).toEqual(
      expect.arrayContaining([
        ['Deployment', { name: 'protector', namespace: 'protector' }],
        ['DaemonSet', { name: 'protector-agent', namespace: 'edge' }],
        ['StatefulSet', { name: 'cache', namespace: 'protector' }],
      ]),
    );
    for (const annotation of annotations) {
      expect(annotation).toMatchObject({
        api_version: 'apps/v1',
        template_annotations: { 'protector-iac.dev/token-fingerprint': tokenExpression(connection, 'fingerprint') },
        depends_on: [`kubernetes_secret_v1.${secretId}`],
      });
    }
    expect(Testing.synth(stack)).toHaveResource(KubernetesAnnotations);
  });

  test('a custom annotation key is used on the Secret and the pod templates', () => {
    kubernetesConnection(
      stack,
      new KubernetesSecretTarget({ namespace: 'p', secretName: 's', restart: [{ kind: 'Deployment', name: 'd' }], fingerprintAnnotation: 'example.com/token' }),
    );
    const json = synthJson(stack);
    const annotation = Object.values(json.resource.kubernetes_annotations)[0] as { template_annotations: Record<string, string> };
    expect(Object.keys(annotation.template_annotations)).toEqual(['example.com/token']);
  });

  test.each<[string, Partial<KubernetesSecretTargetProps>, RegExp]>([
    ['bad namespace', { namespace: 'Prod_NS' }, /KubernetesSecretTarget: `namespace` must be a Kubernetes namespace name.*got "Prod_NS"/],
    ['missing namespace', { namespace: undefined }, /`namespace` must be a Kubernetes namespace name.*got undefined/],
    ['bad secret name', { secretName: 'Token!' }, /`secretName` must be a Kubernetes object name.*got "Token!"/],
    ['bad key', { key: 'a/b' }, /`key` must be a Secret key.*got "a\/b"/],
    ['bad writeOnly', { writeOnly: 'yes' as unknown as boolean }, /`writeOnly` must be true or false, got "yes"/],
    ['bad annotation key', { fingerprintAnnotation: 'not a key' }, /`fingerprintAnnotation` must be a Kubernetes annotation key.*got "not a key"/],
    [
      'restart not a list',
      { restart: { kind: 'Deployment', name: 'a' } as never },
      /`restart` must be a list of \{ kind, name \}, got \{"kind":"Deployment","name":"a"\}/,
    ],
    ['bad kind', { restart: [{ kind: 'Pod' as never, name: 'x' }] }, /`restart\[0\]\.kind` must be one of Deployment, DaemonSet, StatefulSet, got "Pod"/],
    ['bad workload name', { restart: [{ kind: 'Deployment', name: 'My App' }] }, /`restart\[0\]\.name` must be a Kubernetes object name, got "My App"/],
    [
      'bad workload namespace',
      { restart: [{ kind: 'Deployment', name: 'a', namespace: 'X' }] },
      /`restart\[0\]\.namespace` must be a Kubernetes namespace name, got "X"/,
    ],
    [
      'duplicate workload',
      {
        restart: [
          { kind: 'Deployment', name: 'a' },
          { kind: 'Deployment', name: 'a', namespace: 'protector' },
        ],
      },
      /`restart\[1\]` lists a workload twice/,
    ],
  ])('rejects %s, naming the prop', (_case, overrides, expected) => {
    expect(() => new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', ...overrides } as KubernetesSecretTargetProps)).toThrow(expected);
  });

  test('only works with the Kubernetes deployment type', () => {
    expect(new KubernetesSecretTarget({ namespace: 'p', secretName: 's' }).deploymentType).toBe(DeploymentType.KUBERNETES);
  });
});

describe('TokenFileTarget', () => {
  test('creates a protector_token_file for the token with default permission 0600', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    const connection = new ProtectorConnection(stack, 'Edge', {
      name: 'edge',
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.every('30d'),
      registrations: [new TokenFileTarget({ path: '/etc/protector/../protector/token' })],
    });
    // THEN
    expect(Testing.synth(stack)).toHaveResourceWithProperties(TokenFile, {
      connection_configuration_id: `\${${connection.configuration.terraformResourceType}.${connection.configuration.friendlyUniqueId}.id}`,
      token_id: tokenExpression(connection, 'id'),
      path: '/etc/protector/token',
      file_permission: '0600',
    });
  });

  test('a three-digit permission is normalised to four digits', () => {
    expect(new TokenFileTarget({ path: '/t', filePermission: '640' }).filePermission).toBe('0640');
  });

  test.each<[string, string | undefined, string | undefined, RegExp]>([
    ['a relative path', 'token', undefined, /TokenFileTarget: `path` must be an absolute file path.*got "token"/],
    ['a directory', '/etc/protector/', undefined, /`path` must be an absolute file path.*got "\/etc\/protector\/"/],
    ['a missing path', undefined, undefined, /`path` must be an absolute file path.*got undefined/],
    ['a non-octal permission', '/t', '0800', /`filePermission` must be octal permission bits.*got "0800"/],
    ['a symbolic permission', '/t', 'rw-------', /`filePermission` must be octal permission bits.*got "rw-------"/],
    ['an unreadable permission', '/t', '0200', /`filePermission` must let the owner read the file.*got "0200"/],
  ])('rejects %s, naming the prop', (_case, path, filePermission, expected) => {
    expect(() => new TokenFileTarget({ path: path as string, filePermission })).toThrow(expected);
  });

  test('only works with the reverse-proxy deployment type', () => {
    expect(new TokenFileTarget({ path: '/t' }).deploymentType).toBe(DeploymentType.REVERSE_PROXY);
  });

  test('a name makes a short, readable resource address; without one it comes from the path', () => {
    // GIVEN
    const stack = newStack();
    // WHEN
    new ProtectorConnection(stack, 'Edge', {
      name: 'edge',
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.every('30d'),
      registrations: [new TokenFileTarget({ path: '/srv/vm-1/protector/token', name: 'vm-1' }), new TokenFileTarget({ path: '/srv/vm-2/protector/token' })],
    });
    // THEN
    const addresses = Object.keys(JSON.parse(Testing.synth(stack)).resource.protector_token_file);
    expect(addresses.sort()).toEqual([
      expect.stringMatching(/^Edge_TokenFile-srv-vm-2-protector-token_TokenFile_/),
      expect.stringMatching(/^Edge_TokenFile-vm-1_TokenFile_/),
    ]);
  });

  test.each(['vm 1', '', 'a'.repeat(65), 'vm/1'])('rejects the name %j, naming the prop', (name) => {
    expect(() => new TokenFileTarget({ path: '/t', name })).toThrow(/TokenFileTarget: `name` must be 1 to 64 letters, digits/);
  });
});
