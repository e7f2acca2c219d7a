/**
 * The construct library as users get it: `npm run build:constructs`, `npm pack`, the tarball
 * unpacked into a fresh project's node_modules, and a plain-JS app that requires
 * `cdktf-protector` (package.json `main`: dist/constructs/index.js). Its synth must place the
 * packaged provider where `terraform init` finds it offline, with no install step.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { buildProviderOnce } from '../../helpers/terraform';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
// Generous on purpose: tsc and npm pack on a loaded 2-core machine.
const STEP_TIMEOUT_MS = 240_000;
jest.setTimeout(4 * STEP_TIMEOUT_MS);

const APP = `
const { App, TerraformStack, TerraformOutput } = require('cdktf');
const protector = require('cdktf-protector');
const app = new App();
const stack = new TerraformStack(app, 'edge');
new protector.ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:9' });
const connection = new protector.ProtectorConnection(stack, 'Edge', {
  name: 'edge',
  deploymentType: protector.DeploymentType.REVERSE_PROXY,
  contractId: 'ctr_1',
  groupId: 'grp_1',
  rotation: protector.RotationPolicy.recommended(),
  registrations: [new protector.TokenFileTarget({ path: '/etc/protector/token' })],
});
new TerraformOutput(stack, 'fingerprint', { value: connection.tokenFingerprint });
app.synth();
console.log(JSON.stringify(Object.keys(protector).sort()));
`;

describe('the packed package root', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'package-root-'));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('loads from a fresh project, exports the constructs, and its synth inits offline', async () => {
    // GIVEN the package built and packed, unpacked into a fresh project's node_modules
    await buildProviderOnce();
    await run('npm', ['run', '--silent', 'build:constructs'], { cwd: REPO, timeout: STEP_TIMEOUT_MS });
    const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', dir], { cwd: REPO, timeout: STEP_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 });
    const tarball = path.join(dir, packed.trim().split('\n').pop() as string);
    const project = path.join(dir, 'project');
    const installed = path.join(project, 'node_modules', 'cdktf-protector');
    fs.mkdirSync(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1'], { timeout: STEP_TIMEOUT_MS });
    fs.writeFileSync(path.join(project, 'main.js'), APP);
    // The package's own dependencies come from this repository's node_modules.
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: path.join(REPO, 'node_modules'), CDKTF_OUTDIR: path.join(project, 'cdktf.out') };
    delete env.PROTECTOR_PROVIDER_BUNDLE;

    // WHEN the app synthesizes with plain node
    const { stdout } = await run('node', ['main.js'], { cwd: project, env, timeout: STEP_TIMEOUT_MS });

    // THEN the package root exports the contract's names
    const exported = JSON.parse(stdout.trim().split('\n').pop() as string) as string[];
    expect(exported).toEqual(
      expect.arrayContaining([
        'DeploymentType', 'KubernetesSecretTarget', 'ProtectorConnection', 'ProtectorProvider', 'RotationCompliance',
        'RotationPolicies', 'RotationPolicy', 'TokenFileTarget', 'protector',
      ]),
    );
    // AND terraform init in the stack folder finds the packaged provider with no network, and it runs
    const stackDir = path.join(project, 'cdktf.out', 'stacks', 'edge');
    const cliConfig = path.join(dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    const tfEnv: NodeJS.ProcessEnv = { ...process.env, TF_CLI_CONFIG_FILE: cliConfig, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_PLUGIN_CACHE_DIR: '' };
    delete tfEnv.TF_LOG;
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv, timeout: STEP_TIMEOUT_MS });
    const { stdout: validated } = await run('terraform', ['validate', '-json', '-no-color'], { cwd: stackDir, env: tfEnv, timeout: STEP_TIMEOUT_MS });
    expect(JSON.parse(validated)).toMatchObject({ valid: true, error_count: 0 });
  });
});
