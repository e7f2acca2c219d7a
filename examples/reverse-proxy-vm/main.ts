/**
 * Reverse-proxy Protectors on VMs: one connection configuration per environment of
 * rotation-policies.json, each registering its token in a file that the Protector on the VM reads.
 * One stack, `reverse-proxy-vm`.
 *
 *   npx tsx main.ts          synthesize into ./cdktf.out (or $CDKTF_OUTDIR)
 *   npx cdktf deploy         (from this folder or the repository root)
 *
 * Environment:
 *   PROTECTOR_ENDPOINT       API base URL, e.g. a local emulator http://127.0.0.1:PORT
 *   PROTECTOR_EDGERC, PROTECTOR_SECTION   credentials (default ~/.edgerc, section "default")
 *   PROTECTOR_TOKEN_DIR      where the token files go (default /etc/protector): DIR/ENV.token
 *   PROTECTOR_POLICIES       another policy file (default ./rotation-policies.json)
 *   PROTECTOR_ENVIRONMENTS   comma-separated subset of the policy file's environments
 */
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DeploymentType, Protocol, ProtectorConnection, ProtectorProvider, RotationCompliance, RotationPolicies, TokenFileTarget } from '../../constructs';

interface ReverseProxyStackProps {
  readonly policies: RotationPolicies;
  readonly environments: readonly string[];
  readonly tokenDir: string;
}

class ReverseProxyStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ReverseProxyStackProps) {
    super(scope, id);
    new ProtectorProvider(this, 'protector', {
      edgerc: process.env.PROTECTOR_EDGERC,
      section: process.env.PROTECTOR_SECTION,
      endpoint: process.env.PROTECTOR_ENDPOINT,
    });
    for (const environment of props.environments) {
      const connection = new ProtectorConnection(this, environment, {
        name: `edge-${environment}`,
        description: `Reverse-proxy Protectors in front of the ${environment} origin`,
        deploymentType: DeploymentType.REVERSE_PROXY,
        contractId: 'ctr_C-0N7RACT',
        groupId: 'grp_12345',
        target: { host: `origin.${environment}.example.com`, ports: [443], protocol: Protocol.HTTPS },
        rotation: props.policies.for(environment),
        registrations: [new TokenFileTarget({ path: path.join(props.tokenDir, `${environment}.token`) })],
      });
      new TerraformOutput(this, `${environment}_connection_configuration_id`, { value: connection.connectionConfigurationId });
      new TerraformOutput(this, `${environment}_token_id`, { value: connection.tokenId });
      new TerraformOutput(this, `${environment}_token_fingerprint`, { value: connection.tokenFingerprint });
    }
  }
}

const app = new App();
const policies = RotationPolicies.fromFile(process.env.PROTECTOR_POLICIES ?? path.join(__dirname, 'rotation-policies.json'));
const environments = process.env.PROTECTOR_ENVIRONMENTS ? process.env.PROTECTOR_ENVIRONMENTS.split(',').map((name) => name.trim()) : policies.environments;
new ReverseProxyStack(app, 'reverse-proxy-vm', {
  policies,
  environments,
  tokenDir: path.resolve(process.env.PROTECTOR_TOKEN_DIR ?? '/etc/protector'),
});
RotationCompliance.enforce(app, { maxRotationPeriod: '182d' });
app.synth();
