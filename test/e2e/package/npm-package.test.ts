/**
 * The npm package as a user gets it: packed from a clean copy of the repository (`prepack` builds
 * everything), installed from the tarball into a fresh project with its peer dependencies, offline
 * from the npm cache. There, with plain `node` and no dev dependency (no tsx, no esbuild): the
 * package root loads, a two-environment app synthesizes and its stacks `terraform init` offline
 * with the packaged provider, and `npx protector` runs.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { installOffline, packFromCleanCopy, tarballFiles } from '../../helpers/packed-package';

const run = promisify(execFile);
// Generous on purpose: tsc, esbuild and npm on a loaded 2-core machine.
const STEP_TIMEOUT_MS = 300_000;
jest.setTimeout(4 * STEP_TIMEOUT_MS);

const PEERS = ['cdktf', 'constructs', '@cdktf/provider-kubernetes'];

const APP = `
const { App, TerraformStack, TerraformOutput } = require('cdktf');
const protector = require('cdktf-protector');
const policies = protector.RotationPolicies.fromObject({ production: { every: '90d', drainTimeout: '15m' }, staging: { every: '30d' } });
const app = new App();
for (const environment of ['staging', 'production']) {
  const stack = new TerraformStack(app, environment);
  new protector.ProtectorProvider(stack, 'protector', { endpoint: 'http://127.0.0.1:9' });
  const connection = new protector.ProtectorConnection(stack, 'Edge', {
    name: 'edge-' + environment,
    deploymentType: protector.DeploymentType.REVERSE_PROXY,
    contractId: 'ctr_1',
    groupId: 'grp_1',
    rotation: policies.for(environment),
    registrations: [new protector.TokenFileTarget({ path: '/etc/protector/' + environment + '/token' })],
  });
  new TerraformOutput(stack, 'fingerprint', { value: connection.tokenFingerprint });
}
app.synth();
console.log(JSON.stringify(Object.keys(protector).sort()));
`;

describe('the npm package', () => {
  let dir: string;
  let tarball: string;
  let project: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'npm-package-'));
    tarball = await packFromCleanCopy(dir);
    project = path.join(dir, 'project');
    await installOffline(project, tarball, PEERS);
    env = { ...process.env, CDKTF_OUTDIR: path.join(project, 'cdktf.out'), CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_PLUGIN_CACHE_DIR: '' };
    // Nothing of this repository may leak in: no NODE_PATH, no provider override.
    delete env.NODE_PATH;
    delete env.PROTECTOR_PROVIDER_BUNDLE;
    delete env.TF_LOG;
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the tarball holds the built package and no sources, tests, CI or benchmarks', async () => {
    const files = await tarballFiles(tarball);
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'bin/protector',
        'dist/constructs/index.js',
        'dist/constructs/index.d.ts',
        'dist/src/cli/main.js',
        'dist/provider/terraform-provider-protector',
      ]),
    );
    const unwanted = files.filter((file) => /^(test|\.ci|bench|scripts|examples|src|constructs|docs)\/|(^|\/)[^/]*\.test\.|\.tsbuildinfo$|(?<!\.d)\.ts$/.test(file));
    expect(unwanted).toEqual([]);
  });

  test('the peers are peer dependencies and the bundled libraries stay out of the runtime dependencies', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(project, 'node_modules', 'cdktf-protector', 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
      peerDependencies: Record<string, string>;
      peerDependenciesMeta?: Record<string, { optional?: boolean }>;
    };
    const required = Object.keys(manifest.peerDependencies).filter((name) => !manifest.peerDependenciesMeta?.[name]?.optional);
    expect(required.sort()).toEqual([...PEERS].sort());
    // Only `protector instance --aws-secret-id` uses the AWS SDK: an optional peer, so no one else installs it.
    expect(manifest.peerDependenciesMeta?.['@aws-sdk/client-secrets-manager']?.optional).toBe(true);
    expect(Object.keys(manifest.dependencies)).not.toContain('@aws-sdk/client-secrets-manager');
    const runtime = Object.keys(manifest.dependencies);
    expect(runtime.filter((name) => PEERS.includes(name) || /^(@grpc\/|protobufjs|@msgpack\/|esbuild|tsx|typescript|postject|node-linux)/.test(name))).toEqual([]);
    // One copy of cdktf and constructs: the project's own, so `instanceof` holds across the app and the library.
    expect(fs.existsSync(path.join(project, 'node_modules', 'cdktf-protector', 'node_modules'))).toBe(false);
    expect(fs.existsSync(path.join(project, 'node_modules', 'tsx'))).toBe(false);
  });

  test('requires from a fresh project, synthesizes two environments, and each stack inits offline', async () => {
    // GIVEN a plain-JS app in the fresh project
    fs.writeFileSync(path.join(project, 'main.js'), APP);

    // WHEN it synthesizes with plain node
    const { stdout } = await run('node', ['main.js'], { cwd: project, env, timeout: STEP_TIMEOUT_MS });

    // THEN the package root exports the contract's names
    const exported = JSON.parse(stdout.trim().split('\n').pop() as string) as string[];
    expect(exported).toEqual(
      expect.arrayContaining([
        'DeploymentType',
        'KubernetesSecretTarget',
        'ProtectorConnection',
        'ProtectorProvider',
        'RotationCompliance',
        'RotationPolicies',
        'RotationPolicy',
        'TokenFileTarget',
        'protector',
      ]),
    );
    // AND both stacks were written, each with its own rotation policy
    const tokens = ['staging', 'production'].map((environment) => {
      const synthesized = JSON.parse(fs.readFileSync(path.join(project, 'cdktf.out', 'stacks', environment, 'cdk.tf.json'), 'utf8')) as {
        resource: { protector_token: Record<string, { rotation_period: string }> };
      };
      return Object.values(synthesized.resource.protector_token)[0].rotation_period;
    });
    expect(tokens).toEqual(['30d', '90d']);
    // AND terraform init in a stack folder finds the packaged provider with no network, and it runs
    const stackDir = path.join(project, 'cdktf.out', 'stacks', 'production');
    const cliConfig = path.join(dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    const tfEnv = { ...env, TF_CLI_CONFIG_FILE: cliConfig };
    await run('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: tfEnv, timeout: STEP_TIMEOUT_MS });
    const { stdout: validated } = await run('terraform', ['validate', '-json', '-no-color'], { cwd: stackDir, env: tfEnv, timeout: STEP_TIMEOUT_MS });
    expect(JSON.parse(validated)).toMatchObject({ valid: true, error_count: 0 });
  });

  test('npx protector runs the compiled command', async () => {
    const { stdout } = await run('npx', ['--no-install', 'protector', '--help'], { cwd: project, env, timeout: STEP_TIMEOUT_MS });
    expect(stdout).toMatch(/^Usage: protector/);
    for (const command of ['emulator', 'provider', 'instance', 'plan', 'status']) expect(stdout).toContain(`  ${command}`);
  });

  test('errors never point a package user at a script of this repository', async () => {
    // GIVEN an installed package whose provider executable went missing
    const bundle = path.join(project, 'node_modules', 'cdktf-protector', 'dist', 'provider', 'terraform-provider-protector');
    fs.renameSync(bundle, `${bundle}.away`);
    try {
      // WHEN the app synthesizes, and the CLI installs the provider
      const synth = await run('node', ['main.js'], { cwd: project, env, timeout: STEP_TIMEOUT_MS }).then(
        () => undefined,
        (error: { stderr: string }) => error.stderr,
      );
      const install = await run('npx', ['--no-install', 'protector', 'provider', 'install', '--mirror', path.join(dir, 'mirror')], {
        cwd: project,
        env,
        timeout: STEP_TIMEOUT_MS,
      }).then(
        () => undefined,
        (error: { stderr: string; code: number }) => ({ stderr: error.stderr, code: error.code }),
      );

      // THEN both say to reinstall the package, and neither names an npm script
      expect(synth).toMatch(/PROVIDER_BUNDLE_MISSING|does not exist/);
      expect(synth).toMatch(/Reinstall cdktf-protector/);
      expect(install).toMatchObject({ code: 2, stderr: expect.stringMatching(/reinstall it/) });
      for (const message of [synth, install?.stderr]) expect(message).not.toMatch(/npm run|build:provider/);
      // The app's uncaught error prints Node's stack trace; our own command prints the message only.
      expect(install?.stderr).not.toMatch(/\n\s+at /);
    } finally {
      fs.renameSync(`${bundle}.away`, bundle);
    }
  });
});
