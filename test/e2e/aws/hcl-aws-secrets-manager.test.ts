/**
 * examples/hcl-aws-secrets-manager with the real terraform, our provider and the real
 * hashicorp/aws 5.100.0 (from the image's filesystem mirror) whose Secrets Manager endpoint is the
 * loopback test double: deploy, three VMs reading the token from Secrets Manager, a keepers-forced
 * and a due rotation (each a new secret version; the old token revoked only after every VM moved),
 * no token value in the aws resources' state; and a VM that reads the secret only at boot blocks
 * the revoke, named in the error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as z from 'zod';
import { ProtectorClient } from '../../../src/api';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { startSecretsManagerDouble, TEST_REGION, type SecretsManagerDouble } from '../../helpers/secrets-manager-double';
import { createTerraformWorkspace, type RunResult, type TerraformWorkspace } from '../../helpers/terraform';
import {
  AWS_MIRROR,
  awsEnv,
  awsResourcesInState,
  combinedCliConfig,
  expectOnlySignedKnownCalls,
  expectRotated,
  REPO_ROOT,
  startAwsVm,
  stopAllVms,
  waitUntilOnToken,
  type AwsVm,
  type Deployed,
} from './harness';

// The aws provider is slow to start and plan on a loaded 2-core machine: minutes, not seconds.
jest.setTimeout(900_000);
const EXAMPLE = path.join(REPO_ROOT, 'examples', 'hcl-aws-secrets-manager', 'main.tf');
const APPLY_TIMEOUT_MS = 300_000;

interface World {
  emulator: InProcessEmulator;
  sm: SecretsManagerDouble;
  workspace: TerraformWorkspace;
  client: ProtectorClient;
  apply(vars: Record<string, string>): Promise<RunResult>;
  outputs(): Promise<Deployed & { secretArn: string; secretVersionId: string; rotateAfter: string | null }>;
  close(): Promise<void>;
}

async function createWorld(baseVars: Record<string, string>): Promise<World> {
  const [emulator, sm] = await Promise.all([startInProcessEmulator({ log: false }), startSecretsManagerDouble()]);
  let workspace: TerraformWorkspace | undefined;
  try {
    workspace = await createTerraformWorkspace({ hcl: fs.readFileSync(EXAMPLE, 'utf8') });
    fs.writeFileSync(workspace.cliConfigFile, combinedCliConfig(path.join(workspace.dir, '.mirror')));
    const init = await workspace.run(['init', '-input=false', '-no-color'], { timeoutMs: APPLY_TIMEOUT_MS });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stdout}\n${init.stderr}`);
  } catch (error) {
    workspace?.cleanup();
    await Promise.all([emulator.close(), sm.close()]);
    throw error;
  }
  const ws = workspace;
  const env = { ...awsEnv(), TF_CLI_CONFIG_FILE: ws.cliConfigFile };
  const vars = { edgerc: emulator.edgercPath, section: emulator.section, aws_region: TEST_REGION, secretsmanager_endpoint: sm.url, ...baseVars };
  const OutputsSchema = z.object({
    configuration_id: z.object({ value: z.string() }),
    token_id: z.object({ value: z.string() }),
    fingerprint: z.object({ value: z.string() }),
    rotate_after: z.object({ value: z.string().nullable() }),
    secret_arn: z.object({ value: z.string() }),
    secret_version_id: z.object({ value: z.string() }),
  });
  return {
    emulator,
    sm,
    workspace: ws,
    client: new ProtectorClient({ credentials: emulator.credentials, maxRetries: 1 }),
    apply: (more) =>
      ws.run(['apply', '-auto-approve', '-input=false', '-no-color', ...Object.entries({ ...vars, ...more }).map(([k, v]) => `-var=${k}=${v}`)], {
        timeoutMs: APPLY_TIMEOUT_MS,
        env,
      }),
    outputs: async () => {
      const o = OutputsSchema.parse(JSON.parse((await ws.run(['output', '-json', '-no-color'], { env })).stdout));
      return {
        configurationId: o.configuration_id.value,
        tokenId: o.token_id.value,
        fingerprint: o.fingerprint.value,
        rotateAfter: o.rotate_after.value,
        secretArn: o.secret_arn.value,
        secretVersionId: o.secret_version_id.value,
      };
    },
    close: async () => {
      ws.cleanup();
      await Promise.all([emulator.close(), sm.close()]);
    },
  };
}

function expectApplied(result: RunResult): void {
  if (result.code !== 0) throw new Error(`terraform apply failed (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
}

const describeWithAws = AWS_MIRROR ? describe : describe.skip;

describeWithAws('plain HCL: examples/hcl-aws-secrets-manager', () => {
  const vms: AwsVm[] = [];
  let world: World | undefined;
  afterEach(async () => {
    await stopAllVms(vms);
    await world?.close();
    world = undefined;
  });

  test('keepers-forced and due rotations: 3 VMs follow the secret, 0 authentication failures, 1 active token, a new version each time', async () => {
    world = await createWorld({ rotation_period: '60s', drain_timeout: '120s' });
    const { client, sm } = world;

    // GIVEN the deployed example and three VMs that read the token from the secret
    expectApplied(await world.apply({ token_generation: '1' }));
    const first = await world.outputs();
    const ids = ['vm-a', 'vm-b', 'vm-c'];
    vms.push(...ids.map((id) => startAwsVm(world!.emulator.url, sm, id, first.secretArn)));
    await waitUntilOnToken(client, first.configurationId, ids, first.tokenId);
    expect(sm.versions(first.secretArn)).toHaveLength(1);
    const values = [sm.currentValue(first.secretArn)!];

    // WHEN the keepers change
    expectApplied(await world.apply({ token_generation: '2' }));
    const second = await world.outputs();
    values.push(sm.currentValue(first.secretArn)!);
    // THEN the token rotated through a new secret version, after every VM moved
    await expectRotated(client, sm, first.secretArn, ids, first, second, 1);
    expect(second.secretVersionId).not.toBe(first.secretVersionId);

    // WHEN the new token's rotate_after has passed and terraform applies the unchanged configuration
    const wait = Date.parse(second.rotateAfter!) + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const due = await world.apply({ token_generation: '2' });
    expectApplied(due);
    expect(due.stdout).toMatch(/rotate_after/);
    const third = await world.outputs();
    values.push(sm.currentValue(first.secretArn)!);
    // THEN it rotated again, the same way
    await expectRotated(client, sm, first.secretArn, ids, second, third, 2);

    // AND no VM ever failed to authenticate; each used the three tokens in order
    const summaries = await Promise.all(vms.splice(0).map((vm) => vm.stop()));
    for (const summary of summaries) {
      expect(summary).toMatchObject({ authFailures: 0, tokensUsed: [first.fingerprint, second.fingerprint, third.fingerprint] });
    }
    const { events } = await client.listActivity(first.configurationId);
    expect(events.filter((e) => e.type === 'AUTHENTICATION_FAILED')).toEqual([]);
    expect((await client.listTokens(first.configurationId)).active).toHaveLength(1);

    // AND the aws resources' state holds no token value
    const awsState = awsResourcesInState(path.join(world.workspace.dir, 'terraform.tfstate'));
    expect(awsState).toContain('aws_secretsmanager_secret_version');
    for (const value of values) expect(awsState.includes(value)).toBe(false);
    // AND no state holds one: the value reached the secret through the ephemeral protector_token_value
    const wholeState = fs.readFileSync(path.join(world.workspace.dir, 'terraform.tfstate'), 'utf8');
    for (const value of values) expect(wholeState.includes(value)).toBe(false);
    // AND the provider and the SDK made only signed calls of emulated operations
    expectOnlySignedKnownCalls(sm);
    expect(new Set(sm.calls.map((call) => call.operation))).toEqual(new Set(['CreateSecret', 'DescribeSecret', 'GetResourcePolicy', 'PutSecretValue', 'GetSecretValue']));
    expect(sm.calls.filter((call) => call.operation === 'PutSecretValue')).toHaveLength(3);
  });

  test('a VM that reads the secret only at boot blocks the revoke, and the error names it', async () => {
    world = await createWorld({ drain_timeout: '8s' });
    const { client, sm } = world;
    expectApplied(await world.apply({ token_generation: '1' }));
    const old = await world.outputs();
    vms.push(startAwsVm(world.emulator.url, sm, 'vm-healthy', old.secretArn), startAwsVm(world.emulator.url, sm, 'vm-boot-only-7', old.secretArn, { follow: false }));
    await waitUntilOnToken(client, old.configurationId, ['vm-healthy', 'vm-boot-only-7'], old.tokenId);

    // WHEN the token is rotated
    const failed = await world.apply({ token_generation: '2' });

    // THEN the apply fails naming the VM that never re-read the secret, and only it
    expect(failed.code).not.toBe(0);
    const error = (failed.stdout + failed.stderr).replace(/\s+/g, ' ').split('Error: Drain Timeout')[1] ?? '';
    expect(error).toMatch(/these instances still authenticate with it: vm-boot-only-7 \(/);
    expect(error).not.toMatch(/vm-healthy/);
    // AND the old token stays active next to the new one, which is in the secret and used by the healthy VM
    const tokens = await client.listTokens(old.configurationId);
    expect(tokens.active.map((t) => t.tokenId)).toContain(old.tokenId);
    expect(tokens.active).toHaveLength(2);
    const next = tokens.active.find((t) => t.tokenId !== old.tokenId)!;
    expect(sm.versions(old.secretArn)).toHaveLength(2);
    await waitUntilOnToken(client, old.configurationId, ['vm-healthy'], next.tokenId);
    const summaries = await Promise.all(vms.splice(0).map((vm) => vm.stop()));
    expect(summaries.map((s) => [s.id, s.authFailures])).toEqual([
      ['vm-healthy', 0],
      ['vm-boot-only-7', 0],
    ]);
  });
});
