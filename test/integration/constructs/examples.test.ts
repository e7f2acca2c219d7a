import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const REPO = path.resolve(__dirname, '../../..');
const TSX = path.join(REPO, 'node_modules', '.bin', 'tsx');
// Generous on purpose: a 2-core machine running other suites can make one synth take a minute.
const RUN_TIMEOUT_MS = 240_000;
jest.setTimeout(RUN_TIMEOUT_MS + 30_000);

type StackJson = { resource: Record<string, Record<string, Record<string, unknown>>> };

/** Synthesizes an example the way a user does (`tsx main.ts` in its folder) into a temp outdir. */
describe('examples', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
    // A stand-in provider executable: synth only copies it into the stack's local mirror.
    const bundle = path.join(dir, 'terraform-provider-protector');
    fs.writeFileSync(bundle, '#!/usr/bin/env node\n');
    // cdktf runs `terraform version`: an existing (empty) CLI config keeps it from logging a warning as an error.
    const cliConfig = path.join(dir, 'empty.tfrc');
    fs.writeFileSync(cliConfig, '');
    env = {
      ...process.env,
      CDKTF_OUTDIR: path.join(dir, 'out'),
      PROTECTOR_PROVIDER_BUNDLE: bundle,
      PROTECTOR_TOKEN_DIR: path.join(dir, 'tokens'),
      TF_CLI_CONFIG_FILE: cliConfig,
    };
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function synth(example: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
    await run(TSX, ['main.ts'], { cwd: path.join(REPO, 'examples', example), env: { ...env, ...extraEnv }, timeout: RUN_TIMEOUT_MS });
  }

  function stack(name: string): StackJson {
    return JSON.parse(fs.readFileSync(path.join(dir, 'out', 'stacks', name, 'cdk.tf.json'), 'utf8'));
  }

  test('multi-env-kubernetes: production and staging from one policy file, each with a Secret and a Deployment restart', async () => {
    // WHEN
    await synth('multi-env-kubernetes');
    // THEN
    for (const [environment, every] of [
      ['production', '90d'],
      ['staging', '30d'],
    ]) {
      const json = stack(environment);
      const [token] = Object.values(json.resource.protector_token);
      expect(token).toMatchObject({ rotation_period: every, lifecycle: { create_before_destroy: true } });
      const [secret] = Object.values(json.resource.kubernetes_secret_v1);
      expect(secret.metadata).toMatchObject({ name: 'protector-token', namespace: 'protector' });
      const [restart] = Object.values(json.resource.kubernetes_annotations);
      expect(restart).toMatchObject({ kind: 'Deployment', metadata: { name: 'protector', namespace: 'protector' } });
      expect(fs.existsSync(path.join(dir, 'out', 'stacks', environment, 'terraform.d', 'plugins'))).toBe(true);
    }
  });

  test('reverse-proxy-vm: one configuration per environment, each writing a token file', async () => {
    await synth('reverse-proxy-vm');
    const json = stack('reverse-proxy-vm');
    const configurations = Object.values(json.resource.protector_connection_configuration);
    expect(configurations.map((c) => c.name).sort()).toEqual(['edge-production', 'edge-staging']);
    const files = Object.values(json.resource.protector_token_file)
      .map((file) => file.path)
      .sort();
    expect(files).toEqual([path.join(dir, 'tokens', 'production.token'), path.join(dir, 'tokens', 'staging.token')]);
  });

  test('reverse-proxy-vm: a changed policy file changes the synthesized tokens', async () => {
    // GIVEN a policy file with a shorter period and new keepers for staging
    const policies = path.join(dir, 'policies.yaml');
    fs.writeFileSync(policies, 'staging:\n  every: 7d\n  keepers:\n    reason: rotate-now\n');
    // WHEN
    await synth('reverse-proxy-vm', { PROTECTOR_POLICIES: policies });
    // THEN
    const tokens = Object.values(stack('reverse-proxy-vm').resource.protector_token);
    expect(tokens).toEqual([expect.objectContaining({ rotation_period: '7d', keepers: { reason: 'rotate-now' } })]);
  });

  test('a policy above the organisation rule fails the synth with the compliance error', async () => {
    const policies = path.join(dir, 'policies.json');
    fs.writeFileSync(policies, JSON.stringify({ production: { every: '200d' } }));
    await expect(synth('reverse-proxy-vm', { PROTECTOR_POLICIES: policies })).rejects.toMatchObject({
      stderr: expect.stringMatching(/rotates every "200d", longer than allowed: the organisation's rule is at most "182d"/),
    });
  });

  test('the root cdktf.json runs the reverse-proxy example through the cdktf CLI', async () => {
    // WHEN
    await run(path.join(REPO, 'node_modules', '.bin', 'cdktf'), ['synth', '--output', path.join(dir, 'out')], {
      cwd: REPO,
      env: { ...env, CHECKPOINT_DISABLE: '1', DISABLE_VERSION_CHECK: 'true', CI: '1' },
      timeout: RUN_TIMEOUT_MS,
    });
    // THEN
    expect(Object.keys(stack('reverse-proxy-vm').resource.protector_connection_configuration)).toHaveLength(2);
  });
});
