/**
 * Proof, not promise (a write-only consumer with a real third-party provider, offline):
 * examples/hcl-aws-secrets-manager with the real terraform, our provider and the real
 * hashicorp/aws 5.100.0 from the image's filesystem mirror, whose Secrets Manager endpoint is the
 * loopback test double. The ephemeral protector_token_value feeds
 * `aws_secretsmanager_secret_version.secret_string_wo`; the token is created, rotated because it
 * is due, rotated by keepers and destroyed while a simulated VM follows the secret. After each
 * step every token value the emulator ever generated is searched for in `terraform state pull`,
 * every `.tfstate*` file, `terraform show -json`, `terraform output -json`, the plan JSON, the
 * saved plan file's unzipped contents, TF_LOG=trace output and `protector plan summary`. None is
 * found, while the secret versions the double received (the positive control) hold each managed
 * token once. The one exception is measured and pinned: hashicorp/aws 5.100.0 logs Secrets Manager
 * request and response bodies at DEBUG, so TF_LOG=trace shows the token in its PutSecretValue and
 * GetSecretValue lines; a further rotation with TF_LOG_PROVIDER_AWS=info (Terraform and our
 * provider still at TRACE) shows none anywhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as z from 'zod';
import { ProtectorClient } from '../../../src/api';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { collectTokenValues, findTokenValues, logEntries, type LogEntry } from '../../helpers/leak-search';
import { startSecretsManagerDouble, TEST_REGION, type SecretsManagerDouble } from '../../helpers/secrets-manager-double';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import {
  AWS_MIRROR,
  awsEnv,
  combinedCliConfig,
  expectOnlySignedKnownCalls,
  expectRotated,
  REPO_ROOT,
  startAwsVm,
  stopAllVms,
  waitUntilOnToken,
  type AwsVm,
  type Deployed,
} from '../aws/harness';
import { ProofRun } from './proof-run';

// The aws provider is slow to start and plan on a loaded 2-core machine, more so under TF_LOG=trace.
const TERRAFORM_TIMEOUT_MS = 300_000;
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'hcl-aws-secrets-manager', 'main.tf');
const VM_ID = 'vm-proof';
/** Terraform and our provider at TRACE, hashicorp/aws at INFO (TF_LOG would override the per-provider level). */
const RECOMMENDED_LOG = { TF_LOG_CORE: 'trace', TF_LOG_PROVIDER: 'trace', TF_LOG_PROVIDER_AWS: 'info' };
const RECOMMENDED_LOG_LABEL = 'TF_LOG_CORE=trace TF_LOG_PROVIDER=trace TF_LOG_PROVIDER_AWS=info';

const OutputsSchema = z.object({
  configuration_id: z.object({ value: z.string() }),
  token_id: z.object({ value: z.string() }),
  fingerprint: z.object({ value: z.string() }),
  secret_arn: z.object({ value: z.string() }),
});

const describeWithAws = AWS_MIRROR ? describe : describe.skip;

describeWithAws('proof with the Secrets Manager write-only consumer (hashicorp/aws)', () => {
  let emulator: RunningEmulator | undefined;
  let sm: SecretsManagerDouble | undefined;
  let dataDir: string | undefined;
  let workspace: TerraformWorkspace | undefined;
  let proof: ProofRun;
  const vms: AwsVm[] = [];

  /** The example's variables, as a tfvars file: a saved plan carries them into its apply. */
  function writeVars(settings: { rotationPeriod: string; generation: string }): void {
    const vars = {
      edgerc: emulator!.edgercPath,
      section: emulator!.section,
      aws_region: TEST_REGION,
      secretsmanager_endpoint: sm!.url,
      secret_name: 'protector/proof/token',
      rotation_period: settings.rotationPeriod,
      token_generation: settings.generation,
      drain_timeout: '60s',
    };
    writeFileSync(path.join(workspace!.dir, 'terraform.tfvars.json'), JSON.stringify(vars));
  }

  /** The example's outputs (kept as an artifact too: outputs are what pipelines print). */
  async function outputs(step: string): Promise<Deployed & { secretArn: string }> {
    const text = (await proof.terraform(['output', '-json'])).stdout;
    proof.artifacts[`${step}: terraform output -json`] = text;
    const o = OutputsSchema.parse(JSON.parse(text));
    return { configurationId: o.configuration_id.value, tokenId: o.token_id.value, fingerprint: o.fingerprint.value, secretArn: o.secret_arn.value };
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'proof-aws-emulator-'));
    [emulator, sm] = await Promise.all([spawnEmulator({ dataDir }), startSecretsManagerDouble()]);
    workspace = await createTerraformWorkspace({ hcl: readFileSync(EXAMPLE, 'utf8') });
    writeFileSync(workspace.cliConfigFile, combinedCliConfig(path.join(workspace.dir, '.mirror')));
    proof = new ProofRun(workspace, { env: { ...awsEnv(), TF_CLI_CONFIG_FILE: workspace.cliConfigFile }, timeoutMs: TERRAFORM_TIMEOUT_MS });
    writeVars({ rotationPeriod: '90d', generation: '1' });
    await proof.terraform(['init', '-input=false', '-no-color']);
  }, TERRAFORM_TIMEOUT_MS);
  afterAll(async () => {
    await stopAllVms(vms);
    workspace?.cleanup();
    await Promise.all([emulator?.stop(), sm?.close()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('create, rotate when due, rotate by keepers, destroy: no token value in any state, plan, log, output or summary', async () => {
    const client = new ProtectorClient({ credentials: emulator!.credentials, maxRetries: 1 });
    // Every value the emulator ever generated, collected after each step (it prunes old revoked tokens).
    const values = new Set<string>();
    proof.afterStep = () => collectTokenValues(dataDir!, values);

    // Create, and a VM that reads its token from the secret and follows it.
    await proof.planAndApply('create');
    const first = await outputs('create');
    vms.push(startAwsVm(emulator!.url, sm!, VM_ID, first.secretArn));
    await waitUntilOnToken(client, first.configurationId, [VM_ID], first.tokenId);
    expect(sm!.versions(first.secretArn)).toHaveLength(1);

    // Rotate because the token is due: a rotation period of one second has passed.
    writeVars({ rotationPeriod: '1s', generation: '1' });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await proof.planAndApply('rotate-due')).toMatch(/rotate_after.*# forces replacement/);
    const second = await outputs('rotate-due');
    // A new secret version holds the new token; the old token was revoked only after the VM moved to it.
    await expectRotated(client, sm!, first.secretArn, [VM_ID], first, second, 1);

    // Rotate on demand: keepers change (the period is long again, so only keepers force it).
    writeVars({ rotationPeriod: '90d', generation: '2' });
    expect(await proof.planAndApply('rotate-keepers')).toMatch(/keepers.*# forces replacement/s);
    const third = await outputs('rotate-keepers');
    await expectRotated(client, sm!, first.secretArn, [VM_ID], second, third, 2);

    // Rotate once more with the log settings docs/aws-secrets-manager.md recommends: everything at
    // TRACE except the aws provider, whose DEBUG lines print Secrets Manager request and response bodies.
    writeVars({ rotationPeriod: '90d', generation: '3' });
    await proof.planAndApply('rotate-keepers-aws-info', { log: RECOMMENDED_LOG });
    const fourth = await outputs('rotate-keepers-aws-info');
    await expectRotated(client, sm!, first.secretArn, [VM_ID], third, fourth, 3);
    const tokens = [first, second, third, fourth].map((deployed) => deployed.fingerprint);

    // The VM never failed to authenticate and used the four tokens in order.
    const [summary] = await Promise.all(vms.splice(0).map((vm) => vm.stop()));
    expect(summary).toMatchObject({ authFailures: 0, tokensUsed: tokens });
    const received = sm!.storedValues(first.secretArn);

    // Destroy.
    await proof.planAndApply('destroy', { destroy: true });

    // THEN the emulator generated the initial token and four managed ones, each in a new secret version
    const { generated } = collectTokenValues(dataDir!, values);
    expect(values.size).toBeGreaterThanOrEqual(5);
    if (generated !== undefined) expect(values.size).toBe(generated);
    expect(received.map(fingerprintOf)).toEqual(tokens);
    // The search works: it finds the values the Secrets Manager double received (the positive control) ...
    const control = findTokenValues([...values], { 'secret versions the double received': received.join('\n') });
    expect(control.map((finding) => `${finding.fingerprint} x${finding.occurrences}`).sort()).toEqual(tokens.map((fingerprint) => `${fingerprint} x1`).sort());

    // ... and finds none in anything Terraform, our provider or the summary wrote. The one writer
    // that prints it is hashicorp/aws 5.100.0 under TF_LOG=debug/trace: its HTTP request and response
    // body logs (PutSecretValue's SecretString, GetSecretValue's answer), set aside here and named.
    expect(Object.keys(proof.artifacts).length).toBeGreaterThanOrEqual(5 * 8);
    const awsBodyLogs: string[] = [];
    const withoutAwsBodyLogs = Object.fromEntries(
      Object.entries(proof.artifacts).map(([artifact, text]) => {
        if (!artifact.includes('TF_LOG')) return [artifact, text];
        const kept = logEntries(text).filter((entry) => {
          const isAwsBody = entry.logger.startsWith('provider.terraform-provider-aws') && /^HTTP (Request Sent|Response Received)$/.test(entry.message);
          if (isAwsBody && findTokenValues([...values], { entry: entry.text }).length > 0) {
            awsBodyLogs.push(`${artifact}: [${entry.level}] ${entry.message} ${/rpc\.method=(\w+)/.exec(entry.text)?.[1] ?? '?'}`);
            return false;
          }
          return true;
        });
        return [artifact, kept.map((entry) => entry.text).join('\n')];
      }),
    );
    expect(findTokenValues([...values], withoutAwsBodyLogs)).toEqual([]);
    // Those body logs are Secrets Manager value calls of the TF_LOG=trace steps only: the recommended settings have none.
    expect(awsBodyLogs.filter((where) => !/\(TF_LOG=trace\): \[DEBUG\] HTTP (Request Sent PutSecretValue|Response Received GetSecretValue)$/.test(where))).toEqual([]);
    // AND the logs searched were verbose: our provider's DEBUG/TRACE lines are in both kinds of
    // trace, and with the recommended settings the aws provider logged no HTTP call at all
    const ours = (entry: LogEntry) => entry.logger.startsWith('provider.terraform-provider-protector') && ['DEBUG', 'TRACE'].includes(entry.level);
    const awsHttp = (entry: LogEntry) => entry.logger.startsWith('provider.terraform-provider-aws') && entry.message.startsWith('HTTP ');
    const traced = logEntries(proof.artifacts['rotate-keepers: terraform apply (TF_LOG=trace)']!);
    expect([traced.some(ours), traced.some(awsHttp)]).toEqual([true, true]);
    const quiet = logEntries(proof.artifacts[`rotate-keepers-aws-info: terraform apply (${RECOMMENDED_LOG_LABEL})`]!);
    expect([quiet.some(ours), quiet.some((entry) => entry.logger === '' && entry.level === 'TRACE'), quiet.filter(awsHttp).length]).toEqual([true, true, 0]);
    // AND the aws provider reached only the double, with signed calls of emulated operations
    expectOnlySignedKnownCalls(sm!);
  }, 1_800_000);
});
