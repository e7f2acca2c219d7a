import { TerraformOutput, Testing } from 'cdktf';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  DeploymentType,
  KubernetesSecretTarget,
  ProtectorConnection,
  RotationPolicy,
  TokenFileTarget,
} from '../../../constructs';
import { newStack } from './helpers';

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
        new KubernetesSecretTarget({ namespace: 'legacy', secretName: 'protector-token', writeOnly: true }),
      ],
    });
    const edge = new ProtectorConnection(stack, 'Edge', {
      name: 'edge',
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_1',
      groupId: 'grp_1',
      rotation: RotationPolicy.recommended(),
      registrations: [new TokenFileTarget({ path: '/etc/protector/token' })],
    });
    new TerraformOutput(stack, 'cluster_fingerprint', { value: cluster.tokenFingerprint });
    new TerraformOutput(stack, 'edge_token', { value: edge.tokenValue, sensitive: true });
    return Testing.synth(stack);
  }

  test('no token-like literal appears anywhere', () => {
    const synthesized = synthesizeEverything();
    // The API's token format (`aap_` + base64url) and any long opaque literal a value could be.
    expect(synthesized).not.toMatch(/aap_[A-Za-z0-9_-]{16,}/);
    const opaque: string[] = [];
    const walk = (node: unknown): void => {
      if (typeof node === 'string' && node.length >= 32 && /^[A-Za-z0-9_+/=-]+$/.test(node)) opaque.push(node);
      else if (node && typeof node === 'object') Object.values(node).forEach(walk);
    };
    walk(JSON.parse(synthesized));
    expect(opaque).toEqual([]);
  });

  test('every use of a token value is an interpolation into a sensitive place', () => {
    const json = JSON.parse(synthesizeEverything());
    const uses: string[] = [];
    const walk = (node: unknown, where: string): void => {
      if (typeof node === 'string') {
        if (/protector_token\.[^.}]+\.value/.test(node)) {
          expect(node).toMatch(/^\$\{protector_token\.[A-Za-z0-9_-]+\.value\}$/);
          uses.push(where);
        }
      } else if (node && typeof node === 'object') {
        for (const [key, child] of Object.entries(node)) walk(child, `${where}.${key}`);
      }
    };
    walk(json, '');
    // Only the Secrets' data (write-only or sensitive `data`) and a sensitive output.
    expect(uses.map((use) => use.replace(/^\.resource\.([^.]+)\.[^.]+/, '.resource.$1.NAME')).sort()).toEqual([
      '.output.edge_token.value',
      '.resource.kubernetes_secret_v1.NAME.data.token',
      '.resource.kubernetes_secret_v1.NAME.data_wo.token',
    ]);
    expect(json.output.edge_token.sensitive).toBe(true);
  });
});
