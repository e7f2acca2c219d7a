/**
 * End to end, offline: `cdktf deploy` of examples/reverse-proxy-vm against the emulator with the
 * real cdktf CLI, real terraform and our provider, found through the implied local mirror that
 * ProtectorProvider writes at synth. Then a policy change (new `keepers` for staging) shows in
 * `cdktf diff` as a token replacement and rotates on the next deploy, while production stays.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { buildProviderOnce } from '../../helpers/terraform';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(REPO, 'examples', 'reverse-proxy-vm');
const CDKTF = path.join(REPO, 'node_modules', '.bin', 'cdktf');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const STACK = 'reverse-proxy-vm';

jest.setTimeout(420_000);

describe('cdktf deploy of examples/reverse-proxy-vm against the emulator', () => {
  let emulator: InProcessEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    const bundle = await buildProviderOnce();
    emulator = await startInProcessEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverse-proxy-e2e-'));
    const cliConfig = path.join(dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    fs.copyFileSync(path.join(EXAMPLE, 'rotation-policies.json'), path.join(dir, 'rotation-policies.json'));
    // cdktf keeps local state next to cdktf.json: run the example from a project folder in the temp
    // dir, so the state (which holds token values) never lands in the repository.
    const project = JSON.parse(fs.readFileSync(path.join(EXAMPLE, 'cdktf.json'), 'utf8'));
    fs.mkdirSync(path.join(dir, 'project'));
    fs.writeFileSync(
      path.join(dir, 'project', 'cdktf.json'),
      JSON.stringify({ ...project, app: `${JSON.stringify(TSX)} ${JSON.stringify(path.join(EXAMPLE, 'main.ts'))}` }),
    );
    env = {
      ...process.env,
      CHECKPOINT_DISABLE: '1',
      DISABLE_VERSION_CHECK: 'true',
      CDKTF_DISABLE_PLUGIN_CACHE_ENV: '1',
      TF_PLUGIN_CACHE_DIR: '',
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CI: '1',
      PROTECTOR_PROVIDER_BUNDLE: bundle,
      PROTECTOR_ENDPOINT: emulator.url,
      PROTECTOR_EDGERC: emulator.edgercPath,
      PROTECTOR_SECTION: emulator.section,
      PROTECTOR_TOKEN_DIR: path.join(dir, 'tokens'),
      PROTECTOR_POLICIES: path.join(dir, 'rotation-policies.json'),
    };
    delete env.TF_LOG;
  });

  afterAll(async () => {
    await emulator?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function cdktf(...args: string[]): Promise<string> {
    try {
      const { stdout, stderr } = await run(CDKTF, [...args, '--output', path.join(dir, 'cdktf.out')], {
        cwd: path.join(dir, 'project'),
        env,
        timeout: 300_000,
        maxBuffer: 32 * 1024 * 1024,
      });
      // Terraform's plan colours survive cdktf's rendering: drop them so the text can be matched.
      return (stdout + stderr).replace(/\x1b\[[0-9;]*m/g, '');
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(`cdktf ${args.join(' ')} failed: ${failed.message}\n${failed.stdout ?? ''}\n${failed.stderr ?? ''}`);
    }
  }

  async function outputs(): Promise<Record<string, string>> {
    const { stdout } = await run('terraform', ['output', '-json'], { cwd: path.join(dir, 'cdktf.out', 'stacks', STACK), env });
    return Object.fromEntries(Object.entries(JSON.parse(stdout) as Record<string, { value: string }>).map(([name, output]) => [name, output.value]));
  }

  async function tokens(configurationId: string): Promise<{ active: { tokenId: string }[]; revoked: { tokenId: string }[] }> {
    const response = await signedRequest(emulator, 'GET', `/protector/v1/connection-configurations/${configurationId}/tokens`);
    expect(response.status).toBe(200);
    return response.body as { active: { tokenId: string }[]; revoked: { tokenId: string }[] };
  }

  function tokenFile(environment: string): string {
    return fs.readFileSync(path.join(dir, 'tokens', `${environment}.token`), 'utf8').trim();
  }

  test('deploys, then rotates staging on a keepers change and leaves production alone', async () => {
    // WHEN the example is deployed the first time
    await cdktf('deploy', STACK, '--auto-approve', '--skip-provider-lock');
    // THEN each environment has one active token, written to its file
    const first = await outputs();
    for (const environment of ['production', 'staging']) {
      expect(fingerprintOf(tokenFile(environment))).toBe(first[`${environment}_token_fingerprint`]);
      expect((await tokens(first[`${environment}_connection_configuration_id`])).active.map((t) => t.tokenId)).toEqual([first[`${environment}_token_id`]]);
    }
    expect(fs.existsSync(path.join(dir, 'project', `terraform.${STACK}.tfstate`))).toBe(true);
    // and no token value ever reached the synthesized stack
    const synthesized = fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json'), 'utf8');
    expect(synthesized).not.toContain(tokenFile('staging'));

    // WHEN the policy file gives staging new keepers
    const policies = JSON.parse(fs.readFileSync(env.PROTECTOR_POLICIES!, 'utf8'));
    policies.staging.keepers = { reason: 'rotate-now' };
    fs.writeFileSync(env.PROTECTOR_POLICIES!, JSON.stringify(policies));
    const diff = await cdktf('diff', STACK, '--skip-provider-lock');
    // THEN the diff replaces the staging token, and only it
    expect(diff).toMatch(/# protector_token\.staging_Token_\w+ \(staging\/Token\) must be replaced/);
    expect(diff).toMatch(/\+ keepers\s+= \{ # forces replacement/);
    expect(diff).not.toMatch(/protector_token\.production_Token_\w+ \(production\/Token\) must be replaced/);
    expect(diff).toMatch(/protector_token\.production_Token_\w+: Refreshing state/);
    expect(diff).not.toContain(tokenFile('staging'));

    // WHEN deployed again
    await cdktf('deploy', STACK, '--auto-approve', '--skip-provider-lock');
    // THEN staging rotated: new token in the file, the old one revoked; production unchanged
    const second = await outputs();
    expect(second.staging_token_id).not.toBe(first.staging_token_id);
    expect(fingerprintOf(tokenFile('staging'))).toBe(second.staging_token_fingerprint);
    const staging = await tokens(second.staging_connection_configuration_id);
    expect(staging.active.map((t) => t.tokenId)).toEqual([second.staging_token_id]);
    expect(staging.revoked.map((t) => t.tokenId)).toContain(first.staging_token_id);
    expect(second.production_token_id).toBe(first.production_token_id);
    expect(fingerprintOf(tokenFile('production'))).toBe(first.production_token_fingerprint);
  });
});
