/**
 * Production and staging, one stack each, from one checked-in rotation-policies.json. Each stack
 * runs Protector in Kubernetes: the token goes into a Secret, and the Protector Deployment rolls
 * onto every new token.
 *
 *   npx tsx main.ts          synthesize into ./cdktf.out (or $CDKTF_OUTDIR)
 *   npx cdktf synth          the same through the cdktf CLI (see ./cdktf.json)
 *
 * Environment: PROTECTOR_EDGERC / PROTECTOR_SECTION (credentials; default ~/.edgerc, section = the
 * environment name), PROTECTOR_ENDPOINT, KUBECONFIG, PROTECTOR_POLICIES (another policy file).
 */
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { KubernetesProvider } from '@cdktf/provider-kubernetes/lib/provider';
import {
  DeploymentType,
  KubernetesSecretTarget,
  ProtectorConnection,
  ProtectorProvider,
  RotationCompliance,
  RotationPolicies,
  type RotationPolicy,
} from '../../constructs';

interface ProtectorClusterProps {
  readonly environment: string;
  readonly rotation: RotationPolicy;
}

/** One environment: its Protector configuration, token, Secret and Deployment restart. */
class ProtectorClusterStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ProtectorClusterProps) {
    super(scope, id);
    new ProtectorProvider(this, 'protector', {
      edgerc: process.env.PROTECTOR_EDGERC,
      section: process.env.PROTECTOR_SECTION ?? props.environment,
      endpoint: process.env.PROTECTOR_ENDPOINT,
    });
    new KubernetesProvider(this, 'kubernetes', {
      configPath: process.env.KUBECONFIG ?? '~/.kube/config',
      configContext: props.environment,
    });

    const connection = new ProtectorConnection(this, 'Protector', {
      name: `shop-${props.environment}`,
      description: `Protector in the ${props.environment} cluster`,
      deploymentType: DeploymentType.KUBERNETES,
      contractId: 'ctr_C-0N7RACT',
      groupId: 'grp_12345',
      rotation: props.rotation,
      registrations: [
        new KubernetesSecretTarget({
          namespace: 'protector',
          secretName: 'protector-token',
          restart: [{ kind: 'Deployment', name: 'protector' }],
        }),
      ],
    });

    new TerraformOutput(this, 'connection_configuration_id', { value: connection.connectionConfigurationId });
    new TerraformOutput(this, 'token_fingerprint', { value: connection.tokenFingerprint });
    new TerraformOutput(this, 'token_rotate_after', { value: connection.tokenRotateAfter });
  }
}

const app = new App();
const policies = RotationPolicies.fromFile(process.env.PROTECTOR_POLICIES ?? path.join(__dirname, 'rotation-policies.json'));
for (const environment of ['production', 'staging']) {
  new ProtectorClusterStack(app, environment, { environment, rotation: policies.for(environment) });
}
// The organisation's rule: every token rotates at least twice a year.
RotationCompliance.enforce(app, { maxRotationPeriod: '182d' });
app.synth();
