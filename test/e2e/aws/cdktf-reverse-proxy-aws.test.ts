/**
 * examples/reverse-proxy-aws (the cdktf app) with the real terraform, our provider and the real
 * hashicorp/aws 5.100.0 (from the image's filesystem mirror) whose Secrets Manager endpoint is the
 * loopback test double. The app is synthesized with tsx (what `cdktf synth` runs) and applied with
 * terraform in the stack folder: deploy, three VMs reading `protector/staging/token`, a rotation
 * forced by new keepers in the policy file, then a due one; every rotation makes a new secret
 * version and revokes the old token only after every VM moved; no token value in the synthesized
 * stack or in the aws resources' state.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ProtectorClient } from '../../../src/api';
import { installProvider } from '../../../src/provider/install';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { startSecretsManagerDouble, TEST_REGION, type SecretsManagerDouble } from '../../helpers/secrets-manager-double';
import { buildProviderOnce } from '../../helpers/terraform';
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

jest.setTimeout(900_000);
const run = promisify(execFile);
const TSX = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
const APP = path.join(REPO_ROOT, 'examples', 'reverse-proxy-aws', 'main.ts');
const STACK = 'reverse-proxy-aws';
const SECRET = 'protector/staging/token';

const describeWithAws = AWS_MIRROR ? describe : describe.skip;

describeWithAws('cdktf app: examples/reverse-proxy-aws', () => {
  let emulator: InProcessEmulator;
  let sm: SecretsManagerDouble;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let client: ProtectorClient;
  const vms: AwsVm[] = [];
  const stackDir = () => path.join(dir, 'cdktf.out', 'stacks', STACK);

  beforeAll(async () => {
    [emulator, sm] = await Promise.all([startInProcessEmulator({ log: false }), startSecretsManagerDouble()]);
    client = new ProtectorClient({ credentials: emulator.credentials, maxRetries: 1 });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverse-proxy-aws-e2e-'));
    // A private copy of the provider: another suite may rebuild dist/provider meanwhile.
    const bundle = path.join(dir, 'terraform-provider-protector');
    fs.copyFileSync(await buildProviderOnce(), bundle);
    await installProvider({ mirrorDir: path.join(dir, 'mirror'), bundlePath: bundle });
    fs.writeFileSync(path.join(dir, 'terraform.rc'), combinedCliConfig(path.join(dir, 'mirror')));
    fs.writeFileSync(path.join(dir, 'rotation-policies.json'), JSON.stringify({ staging: { every: '60s', drainTimeout: '120s' } }));
    env = {
      ...awsEnv(),
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: 'true',
      TF_CLI_CONFIG_FILE: path.join(dir, 'terraform.rc'),
      TF_IN_AUTOMATION: '1',
      CDKTF_OUTDIR: path.join(dir, 'cdktf.out'),
      PROTECTOR_PROVIDER_BUNDLE: bundle,
      PROTECTOR_ENDPOINT: emulator.url,
      PROTECTOR_EDGERC: emulator.edgercPath,
      PROTECTOR_SECTION: emulator.section,
      PROTECTOR_POLICIES: path.join(dir, 'rotation-policies.json'),
      PROTECTOR_SECRETSMANAGER_ENDPOINT: sm.url,
      AWS_REGION: TEST_REGION,
    };
  });

  afterAll(async () => {
    await stopAllVms(vms);
    await Promise.all([emulator?.close(), sm?.close()]);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Synthesizes the app (from the temp dir, so cdktf's local state file lands there) and applies it. */
  async function deploy(): Promise<string> {
    await run(TSX, [APP], { cwd: dir, env, timeout: 120_000 });
    const options = { cwd: stackDir(), env, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 };
    if (!fs.existsSync(path.join(stackDir(), '.terraform'))) await run('terraform', ['init', '-input=false', '-no-color'], options);
    try {
      return (await run('terraform', ['apply', '-auto-approve', '-input=false', '-no-color'], options)).stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string };
      throw new Error(`terraform apply failed:\n${failed.stdout}\n${failed.stderr}`, { cause: error });
    }
  }

  async function outputs(): Promise<Deployed & { rotateAfter: string }> {
    const { stdout } = await run('terraform', ['output', '-json', '-no-color'], { cwd: stackDir(), env, timeout: 120_000 });
    const o = JSON.parse(stdout) as Record<string, { value: string }>;
    return {
      configurationId: o.staging_connection_configuration_id!.value,
      tokenId: o.staging_token_id!.value,
      fingerprint: o.staging_token_fingerprint!.value,
      rotateAfter: o.staging_token_rotate_after!.value,
    };
  }

  test('deploys, follows a keepers-forced and a due rotation on 3 VMs, and keeps token values out of the aws state', async () => {
    // GIVEN the deployed app and three VMs reading the secret by name
    const printed = [await deploy()];
    const first = await outputs();
    const ids = ['vm-1', 'vm-2', 'vm-3'];
    vms.push(...ids.map((id) => startAwsVm(emulator.url, sm, id, SECRET)));
    await waitUntilOnToken(client, first.configurationId, ids, first.tokenId);
    const values = [sm.currentValue(SECRET)!];

    // WHEN the policy file gives staging new keepers, and the app is deployed again
    fs.writeFileSync(env.PROTECTOR_POLICIES!, JSON.stringify({ staging: { every: '60s', drainTimeout: '120s', keepers: { reason: 'rotate-now' } } }));
    printed.push(await deploy());
    const second = await outputs();
    values.push(sm.currentValue(SECRET)!);
    // THEN the token rotated through a new secret version, after every VM moved
    await expectRotated(client, sm, SECRET, ids, first, second, 1);

    // WHEN the new token is due and the unchanged app is deployed
    const wait = Date.parse(second.rotateAfter) + 1000 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    printed.push(await deploy());
    const third = await outputs();
    values.push(sm.currentValue(SECRET)!);
    await expectRotated(client, sm, SECRET, ids, second, third, 2);

    // THEN no VM failed to authenticate, and exactly one token is active
    for (const summary of await Promise.all(vms.splice(0).map((vm) => vm.stop()))) {
      expect(summary).toMatchObject({ authFailures: 0, tokensUsed: [first.fingerprint, second.fingerprint, third.fingerprint] });
    }
    expect((await client.listTokens(first.configurationId)).active.map((t) => t.tokenId)).toEqual([third.tokenId]);
    const { events } = await client.listActivity(first.configurationId);
    expect(events.filter((e) => e.type === 'AUTHENTICATION_FAILED')).toEqual([]);

    // AND no token value was printed, synthesized, or stored in any state: the construct fed
    // secret_string_wo from the ephemeral protector_token_value
    const awsState = awsResourcesInState(path.join(dir, `terraform.${STACK}.tfstate`));
    expect(awsState).toContain('aws_secretsmanager_secret_version');
    const wholeState = fs.readFileSync(path.join(dir, `terraform.${STACK}.tfstate`), 'utf8');
    const synthesized = fs.readFileSync(path.join(stackDir(), 'cdk.tf.json'), 'utf8');
    expect(synthesized).toContain('"ephemeral"');
    for (const value of values) {
      for (const text of [awsState, wholeState, synthesized, ...printed]) expect(text.includes(value)).toBe(false);
    }
    expectOnlySignedKnownCalls(sm);
  });
});
