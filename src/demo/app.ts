/**
 * The demo's CDKTF app: a reverse-proxy service deployed to several environments, each a stack
 * with its own connection configuration, a token rotated by the environment's policy from
 * `rotation-policies.json`, and one token file per VM. Synthesized in process (fast), not by the
 * cdktf CLI.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Construct } from 'constructs';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { DeploymentType, ProtectorConnection, ProtectorProvider, Protocol, RotationPolicies, TokenFileTarget } from '../../constructs';

export interface DemoEnvironment {
  name: string;
  /** The VMs' token files, one per simulated instance. */
  tokenFiles: string[];
}

export interface DemoAppOptions {
  /** Where cdktf writes `stacks/NAME/cdk.tf.json`. */
  outdir: string;
  policiesFile: string;
  edgercPath: string;
  section: string;
  endpoint: string;
  environments: DemoEnvironment[];
}

class ReverseProxyStack extends TerraformStack {
  constructor(scope: Construct, environment: DemoEnvironment, policies: RotationPolicies, options: DemoAppOptions, workdir: string) {
    super(scope, environment.name);
    // Without an explicit backend cdktf puts `terraform.NAME.tfstate` in the current directory,
    // which is the repo: state holds token values, so it stays in the demo's temp folder.
    new LocalBackend(this, { path: join(workdir, 'terraform.tfstate') });
    // The provider executable comes from the demo's filesystem mirror (TF_CLI_CONFIG_FILE).
    new ProtectorProvider(this, 'protector', {
      edgerc: options.edgercPath,
      section: options.section,
      endpoint: options.endpoint,
      installInStackOutput: false,
    });
    const connection = new ProtectorConnection(this, 'proxy', {
      name: `reverse-proxy-${environment.name}`,
      description: `Demo reverse proxy, ${environment.name}`,
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_DEMO-1',
      groupId: 'grp_demo',
      target: { host: `origin.${environment.name}.example.com`, ports: [443], protocol: Protocol.HTTPS },
      rotation: policies.for(environment.name),
      registrations: environment.tokenFiles.map((path, i) => new TokenFileTarget({ path, name: `vm-${i + 1}` })),
    });
    // Read back by readStackOutputs (waits.ts): ids and fingerprints only, never the value.
    new TerraformOutput(this, 'connection_configuration_id', { value: connection.connectionConfigurationId });
    new TerraformOutput(this, 'token_id', { value: connection.tokenId });
    new TerraformOutput(this, 'token_fingerprint', { value: connection.tokenFingerprint });
    new TerraformOutput(this, 'token_rotate_after', { value: connection.tokenRotateAfter });
  }
}

/** Synthesizes the app and copies each stack's `cdk.tf.json` into `workdirs[env]` (where its state lives). */
export function synthDemoApp(options: DemoAppOptions, workdirs: Record<string, string>): void {
  const policies = RotationPolicies.fromFile(options.policiesFile);
  const app = new App({ outdir: options.outdir });
  for (const environment of options.environments) {
    new ReverseProxyStack(app, environment, policies, options, workdirs[environment.name]!);
  }
  app.synth();
  for (const environment of options.environments) {
    const workdir = workdirs[environment.name]!;
    mkdirSync(workdir, { recursive: true });
    copyFileSync(join(options.outdir, 'stacks', environment.name, 'cdk.tf.json'), join(workdir, 'cdk.tf.json'));
  }
}
