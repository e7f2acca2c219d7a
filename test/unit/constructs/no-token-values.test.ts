import { TerraformOutput, Testing } from 'cdktf';
import { ConfigMapV1 } from '@cdktf/provider-kubernetes/lib/config-map-v1';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import { DeploymentType, KubernetesSecretTarget, ProtectorConnection, type ProtectorConnectionProps, RotationPolicy, TokenFileTarget } from '../../../constructs';
import { newStack } from '../../helpers/constructs';

function edgeProps(): ProtectorConnectionProps {
  return {
    name: 'edge',
    deploymentType: DeploymentType.REVERSE_PROXY,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: RotationPolicy.recommended(),
    registrations: [new TokenFileTarget({ path: '/etc/protector/token' })],
  };
}

/**
 * Token values exist only at apply time, so a synthesized stack can hold them only as references to
 * `protector_token.<name>.value`. This test synthesizes every registration kind, then checks that
 * nothing that looks like a token value is in the JSON and that every use of `.value` is such an
 * interpolation, feeding only sensitive places.
 */
describe('synthesized JSON never contains a token value', () => {
  function synthesizeEverything(): string {
    const stack = newStack();
    new KubernetesProvider(stack, 'kubernetes', {});
    const cluster = new ProtectorConnection(stack, 'Cluster', {
      name: 'cluster',
      deploymentType: DeploymentType.KUBERNETES,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.every('90d', { keepers: { reason: 'initial' } }),
      registrations: [
        new KubernetesSecretTarget({ namespace: 'protector', secretName: 'protector-token', restart: [{ kind: 'Deployment', name: 'protector' }] }),
        new KubernetesSecretTarget({ namespace: 'other', secretName: 'protector-token', key: 'TOKEN' }),
      ],
    });
    // The opt-out for Terraform < 1.11: the value is stored in state and fed to `data`.
    const legacy = new ProtectorConnection(stack, 'Legacy', {
      name: 'legacy',
      deploymentType: DeploymentType.KUBERNETES,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.every('90d'),
      storeTokenValueInState: true,
      registrations: [new KubernetesSecretTarget({ namespace: 'legacy', secretName: 'protector-token', writeOnly: false })],
    });
    void legacy;
    const edge = new ProtectorConnection(stack, 'Edge', { ...edgeProps(), storeTokenValueInState: true });
    new TerraformOutput(stack, 'cluster_fingerprint', { value: cluster.tokenFingerprint });
    new TerraformOutput(stack, 'edge_token', { value: edge.tokenValue, sensitive: true });
    return Testing.synth(stack);
  }

  test('no token-like literal appears anywhere', () => {
    expect(tokenLikeLiterals(synthesizeEverything())).toEqual([]);
  });

  test('the literal check notices a token value pasted into the code', () => {
    // GIVEN a stack in which someone pasted a token value into a description
    const stack = newStack();
    const pasted = `aap_${'Zm9vYmFyYmF6cXV4'.repeat(3)}`;
    new ProtectorConnection(stack, 'Edge', { ...edgeProps(), description: `token ${pasted}` });
    // WHEN / THEN
    expect(tokenLikeLiterals(Testing.synth(stack))).toEqual([expect.stringContaining(pasted)]);
  });

  test('every use of a token value is an interpolation into a sensitive place', () => {
    const json = JSON.parse(synthesizeEverything());
    // By default only write-only data_wo, fed by the ephemeral block; with the opt-out, the sensitive
    // `data` and a sensitive output.
    expect(tokenValueUses(json)).toEqual([
      '.output.edge_token.value',
      '.resource.kubernetes_secret_v1.NAME.data.token',
      '.resource.kubernetes_secret_v1.NAME.data_wo.TOKEN (ephemeral)',
      '.resource.kubernetes_secret_v1.NAME.data_wo.token (ephemeral)',
    ]);
    expect(json.output.edge_token.sensitive).toBe(true);
  });

  test('the use check notices a token value in a non-sensitive place', () => {
    // GIVEN a stack that copies the token value into a ConfigMap (whose data is not sensitive)
    const stack = newStack();
    new KubernetesProvider(stack, 'kubernetes', {});
    const edge = new ProtectorConnection(stack, 'Edge', { ...edgeProps(), storeTokenValueInState: true });
    new ConfigMapV1(stack, 'Leak', { metadata: { name: 'leak' }, data: { token: edge.tokenValue } });
    // WHEN / THEN
    expect(tokenValueUses(JSON.parse(Testing.synth(stack)))).toContain('.resource.kubernetes_config_map_v1.NAME.data.token');
  });
});

/** Literals that look like a token value: the API's format (`aap_` + base64url) or any long opaque string. */
function tokenLikeLiterals(synthesized: string): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      if (/aap_[A-Za-z0-9_-]{16,}/.test(node) || (node.length >= 32 && /^[A-Za-z0-9_+/=-]+$/.test(node))) found.push(node);
    } else if (node && typeof node === 'object') {
      Object.values(node).forEach(walk);
    }
  };
  walk(JSON.parse(synthesized));
  return found;
}

/**
 * Where the synthesized JSON references a token's value (`.resource.TYPE.NAME.attribute`, names
 * normalised), sorted. Fails the test when a reference is anything but a bare interpolation.
 */
function tokenValueUses(json: unknown): string[] {
  const uses: string[] = [];
  const walk = (node: unknown, where: string): void => {
    if (typeof node === 'string') {
      if (/protector_token\.[^.}]+\.value/.test(node)) {
        expect(node).toMatch(/^\$\{protector_token\.[A-Za-z0-9_-]+\.value\}$/);
        uses.push(where);
      }
      if (/ephemeral\.protector_token_value\.[^.}]+\.value/.test(node)) {
        expect(node).toMatch(/^\$\{ephemeral\.protector_token_value\.[A-Za-z0-9_-]+\.value\}$/);
        uses.push(`${where} (ephemeral)`);
      }
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`);
    }
  };
  walk(json, '');
  return uses.map((use) => use.replace(/^\.resource\.([^.]+)\.[^.]+/, '.resource.$1.NAME')).sort();
}
