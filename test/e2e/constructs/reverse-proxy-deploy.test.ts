/**
 * End to end, offline: `cdktf deploy` of examples/reverse-proxy-vm against the emulator with the
 * real cdktf CLI, real terraform and our provider, found through the implied local mirror that
 * ProtectorProvider writes at synth. Then a policy change (new `keepers` for staging) shows in
 * `cdktf diff` as a token replacement and rotates on the next deploy, while production stays.
 */
import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify, stripVTControlCharacters } from 'node:util';
import { fingerprintOf } from '../../../src/api/fingerprint';
import { signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { buildProviderOnce } from '../../helpers/terraform';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const EXAMPLE = path.join(REPO, 'examples', 'reverse-proxy-vm');
const CDKTF = path.join(REPO, 'node_modules', '.bin', 'cdktf');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
const STACK = 'reverse-proxy-vm';

// Generous on purpose: a 2-core machine running other suites can make one cdktf run take minutes.
const CDKTF_TIMEOUT_MS = 300_000;
jest.setTimeout(4 * CDKTF_TIMEOUT_MS);

describe('cdktf deploy of examples/reverse-proxy-vm against the emulator', () => {
  let emulator: InProcessEmulator;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    emulator = await startInProcessEmulator();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reverse-proxy-e2e-'));
    // A private copy of the provider: another suite may rebuild dist/provider between the two
    // deploys, and a changed executable under the same version fails `terraform init` (lock hash).
    const bundle = path.join(dir, 'terraform-provider-protector');
    fs.copyFileSync(await buildProviderOnce(), bundle);
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

  /**
   * Runs the real cdktf CLI in the temp project and returns what it printed, colours removed.
   * It runs in its own process group, so a timeout also stops the terraform and provider
   * processes it started.
   */
  function cdktf(...args: string[]): Promise<string> {
    return new Promise((resolve, reject) => {
      const child = spawn(CDKTF, [...args, '--output', path.join(dir, 'cdktf.out')], {
        cwd: path.join(dir, 'project'),
        env,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let printed = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (printed += chunk));
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid as number), 'SIGKILL');
        } catch {
          // already gone
        }
        reject(new Error(`cdktf ${args.join(' ')} did not finish within ${CDKTF_TIMEOUT_MS} ms:\n${printed}`));
      }, CDKTF_TIMEOUT_MS);
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        // Terraform's plan colours survive cdktf's rendering: drop them so the text can be matched.
        const text = stripVTControlCharacters(printed);
        if (code === 0) resolve(text);
        else reject(new Error(`cdktf ${args.join(' ')} exited with ${code}:\n${text}`));
      });
    });
  }

  async function outputs(): Promise<Record<string, string>> {
    const { stdout } = await run('terraform', ['output', '-json'], { cwd: path.join(dir, 'cdktf.out', 'stacks', STACK), env, timeout: 120_000 });
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
    const printed: string[] = [];
    printed.push(await cdktf('deploy', STACK, '--auto-approve'));
    // THEN each environment has one active token, written to its file
    const first = await outputs();
    for (const environment of ['production', 'staging']) {
      expect(fingerprintOf(tokenFile(environment))).toBe(first[`${environment}_token_fingerprint`]);
      expect((await tokens(first[`${environment}_connection_configuration_id`])).active.map((t) => t.tokenId)).toEqual([first[`${environment}_token_id`]]);
    }
    expect(fs.existsSync(path.join(dir, 'project', `terraform.${STACK}.tfstate`))).toBe(true);
    const firstValues = ['production', 'staging'].map(tokenFile);

    // WHEN the policy file gives staging new keepers
    const policies = JSON.parse(fs.readFileSync(env.PROTECTOR_POLICIES!, 'utf8'));
    policies.staging.keepers = { reason: 'rotate-now' };
    fs.writeFileSync(env.PROTECTOR_POLICIES!, JSON.stringify(policies));
    const diff = await cdktf('diff', STACK);
    printed.push(diff);
    // THEN the diff replaces the staging token, and only it
    expect(diff).toMatch(/# protector_token\.staging_Token_\w+ \(staging\/Token\) must be replaced/);
    expect(diff).toMatch(/\+ keepers\s+= \{ # forces replacement/);
    expect(diff).not.toMatch(/protector_token\.production_Token_\w+ \(production\/Token\) must be replaced/);
    expect(diff).toMatch(/protector_token\.production_Token_\w+: Refreshing state/);

    // WHEN deployed again
    printed.push(await cdktf('deploy', STACK, '--auto-approve'));
    // THEN staging rotated: new token in the file, the old one revoked; production unchanged
    const second = await outputs();
    expect(second.staging_token_id).not.toBe(first.staging_token_id);
    expect(fingerprintOf(tokenFile('staging'))).toBe(second.staging_token_fingerprint);
    const staging = await tokens(second.staging_connection_configuration_id);
    expect(staging.active.map((t) => t.tokenId)).toEqual([second.staging_token_id]);
    expect(staging.revoked.map((t) => t.tokenId)).toContain(first.staging_token_id);
    expect(second.production_token_id).toBe(first.production_token_id);
    expect(fingerprintOf(tokenFile('production'))).toBe(first.production_token_fingerprint);
    // AND no token value, old or new, was printed by cdktf or reached the synthesized stack
    const synthesized = fs.readFileSync(path.join(dir, 'cdktf.out', 'stacks', STACK, 'cdk.tf.json'), 'utf8');
    for (const value of [...firstValues, tokenFile('staging')]) {
      for (const text of [...printed, synthesized]) expect(text.includes(value)).toBe(false);
    }
  });
});
