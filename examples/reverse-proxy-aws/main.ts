/**
 * Reverse-proxy Protectors on AWS: one connection configuration per environment of
 * rotation-policies.json, each registering its token in an AWS Secrets Manager secret
 * (`protector/<environment>/token`) that the Protector VMs read (with
 * secretsmanager:GetSecretValue, see docs/aws-secrets-manager.md). One stack, `reverse-proxy-aws`.
 *
 *   npx tsx main.ts          synthesize into ./cdktf.out (or $CDKTF_OUTDIR)
 *   npx cdktf deploy --skip-provider-lock     (from this folder or the repository root)
 *
 * Environment:
 *   PROTECTOR_ENDPOINT       API base URL, e.g. a local emulator http://127.0.0.1:PORT
 *   PROTECTOR_EDGERC, PROTECTOR_SECTION   credentials (default ~/.edgerc, section "default")
 *   PROTECTOR_POLICIES       another policy file (default ./rotation-policies.json)
 *   PROTECTOR_ENVIRONMENTS   comma-separated subset of the policy file's environments
 *   AWS_REGION               the secrets' region (default eu-west-1); AWS credentials as usual
 *   PROTECTOR_KMS_KEY_ID     a customer managed KMS key for the secrets (default: aws/secretsmanager)
 *   PROTECTOR_SECRETSMANAGER_ENDPOINT   another Secrets Manager endpoint (a VPC endpoint, or a
 *                            local one for tests; STS and metadata checks are then skipped)
 */
import * as path from 'node:path';
import { App, TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { aws, AwsSecretsManagerTarget, DeploymentType, Protocol, ProtectorConnection, ProtectorProvider, RotationCompliance, RotationPolicies } from '../../constructs';

interface ReverseProxyAwsStackProps {
  readonly policies: RotationPolicies;
  readonly environments: readonly string[];
  readonly region: string;
  readonly kmsKeyId?: string;
  readonly secretsManagerEndpoint?: string;
}

class ReverseProxyAwsStack extends TerraformStack {
  constructor(scope: Construct, id: string, props: ReverseProxyAwsStackProps) {
    super(scope, id);
    new ProtectorProvider(this, 'protector', {
      edgerc: process.env.PROTECTOR_EDGERC,
      section: process.env.PROTECTOR_SECTION,
      endpoint: process.env.PROTECTOR_ENDPOINT,
    });
    const local = props.secretsManagerEndpoint !== undefined;
    new aws.provider.AwsProvider(this, 'aws', {
      region: props.region,
      // A local endpoint has no STS or instance metadata next to it: skip those checks there only.
      ...(local
        ? {
            skipCredentialsValidation: true,
            skipRequestingAccountId: true,
            skipMetadataApiCheck: 'true',
            endpoints: [{ secretsmanager: props.secretsManagerEndpoint }],
          }
        : {}),
    });
    for (const environment of props.environments) {
      const connection = new ProtectorConnection(this, environment, {
        name: `edge-aws-${environment}`,
        description: `Reverse-proxy Protectors on EC2 in front of the ${environment} origin`,
        deploymentType: DeploymentType.REVERSE_PROXY,
        contractId: 'ctr_C-0N7RACT',
        groupId: 'grp_12345',
        target: { host: `origin.${environment}.example.com`, ports: [443], protocol: Protocol.HTTPS },
        rotation: props.policies.for(environment),
        registrations: [
          new AwsSecretsManagerTarget({
            secretName: `protector/${environment}/token`,
            name: environment,
            kmsKeyId: props.kmsKeyId,
            tags: { 'protector:environment': environment },
            // Tests and demos recreate the same names; keep AWS's 30-day window in real accounts.
            recoveryWindowInDays: local ? 0 : undefined,
          }),
        ],
      });
      new TerraformOutput(this, `${environment}_connection_configuration_id`, { value: connection.connectionConfigurationId });
      new TerraformOutput(this, `${environment}_token_id`, { value: connection.tokenId });
      new TerraformOutput(this, `${environment}_token_fingerprint`, { value: connection.tokenFingerprint });
      new TerraformOutput(this, `${environment}_token_rotate_after`, { value: connection.tokenRotateAfter });
    }
  }
}

const app = new App();
const policies = RotationPolicies.fromFile(process.env.PROTECTOR_POLICIES ?? path.join(__dirname, 'rotation-policies.json'));
const environments = process.env.PROTECTOR_ENVIRONMENTS ? process.env.PROTECTOR_ENVIRONMENTS.split(',').map((name) => name.trim()) : policies.environments;
new ReverseProxyAwsStack(app, 'reverse-proxy-aws', {
  policies,
  environments,
  region: process.env.AWS_REGION ?? 'eu-west-1',
  kmsKeyId: process.env.PROTECTOR_KMS_KEY_ID || undefined,
  secretsManagerEndpoint: process.env.PROTECTOR_SECRETSMANAGER_ENDPOINT || undefined,
});
RotationCompliance.enforce(app, { maxRotationPeriod: '182d' });
app.synth();
