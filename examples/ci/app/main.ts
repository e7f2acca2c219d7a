/**
 * The CDKTF app the reference pipelines deploy: one stack per environment of
 * rotation-policies.json (so each environment has its own state, plan and concurrency group),
 * each with its own connection configuration and token file.
 *
 *   npx tsx main.ts            synthesize into ./cdktf.out (or $CDKTF_OUTDIR): stacks/staging, stacks/production
 *
 * Environment:
 *   PROTECTOR_STATE_BACKEND  local (default: ./terraform.ENV.tfstate), pg (PG_CONN_STR) or s3 (PROTECTOR_STATE_BUCKET, AWS_REGION)
 *   AKAMAI_HOST, AKAMAI_CLIENT_TOKEN, AKAMAI_CLIENT_SECRET, AKAMAI_ACCESS_TOKEN   EdgeGrid credentials (CI secrets)
 *   PROTECTOR_ENDPOINT       API base URL instead of https://AKAMAI_HOST (the emulator in a rehearsal)
 *   PROTECTOR_TOKEN_DIR      where the token files go (default /etc/protector): DIR/ENV.token
 *   PROTECTOR_ENVIRONMENTS   comma-separated subset of the policy file's environments
 */
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { DeploymentType, ProtectorConnection, ProtectorProvider, RotationCompliance, RotationPolicies, StateBackend, TokenFileTarget } from '../../../constructs';

interface EdgeStackProps {
  readonly environment: string;
  readonly policies: RotationPolicies;
  readonly tokenDir: string;
}

class EdgeStack extends TerraformStack {
  constructor(scope: Construct, props: EdgeStackProps) {
    super(scope, props.environment);
    StateBackend.forEnvironment(this, {
      environment: props.environment,
      pgSchemaPrefix: process.env.PROTECTOR_PG_SCHEMA_PREFIX,
      s3Bucket: process.env.PROTECTOR_STATE_BUCKET,
    });
    // No edgerc: the provider reads the AKAMAI_* variables the pipeline takes from its secrets.
    new ProtectorProvider(this, 'protector', { endpoint: process.env.PROTECTOR_ENDPOINT });
    const connection = new ProtectorConnection(this, 'edge', {
      name: `edge-${props.environment}`,
      deploymentType: DeploymentType.REVERSE_PROXY,
      contractId: 'ctr_C-0N7RACT',
      groupId: 'grp_12345',
      target: { host: `origin.${props.environment}.example.com`, ports: [443] },
      rotation: props.policies.for(props.environment),
      // One token file per environment: two registrations of one app at one path are a synth error.
      registrations: [new TokenFileTarget({ path: path.join(props.tokenDir, `${props.environment}.token`) })],
    });
    new TerraformOutput(this, 'connection_configuration_id', { value: connection.connectionConfigurationId });
    new TerraformOutput(this, 'token_id', { value: connection.tokenId });
    new TerraformOutput(this, 'token_fingerprint', { value: connection.tokenFingerprint });
  }
}

const app = new App();
const policies = RotationPolicies.fromFile(process.env.PROTECTOR_POLICIES ?? path.join(__dirname, 'rotation-policies.json'));
const environments = process.env.PROTECTOR_ENVIRONMENTS ? process.env.PROTECTOR_ENVIRONMENTS.split(',').map((name) => name.trim()) : policies.environments;
const tokenDir = path.resolve(process.env.PROTECTOR_TOKEN_DIR ?? '/etc/protector');
for (const environment of environments) new EdgeStack(app, { environment, policies, tokenDir });
RotationCompliance.enforce(app, { maxRotationPeriod: '182d' });
app.synth();
