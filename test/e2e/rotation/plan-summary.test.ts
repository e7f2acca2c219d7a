/**
 * `protector plan summary --plan PLANFILE --chdir DIR` on a real saved plan: it runs
 * `terraform show -json` itself, reports the rotation with its reason, and prints no token value
 * although the plan JSON holds them.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRotationWorld, expectApplied, type RotationWorld } from './harness';

jest.setTimeout(120_000);

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');
let world: RotationWorld;

beforeAll(async () => {
  // store_value: the plan JSON then holds the value, which the summary must redact.
  world = await createRotationWorld({ hosts: 1, drainTimeout: '10s', storeValue: true });
});
afterAll(async () => {
  await world?.close();
});

function protector(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('summarizes a saved rotation plan with its reason and without any token value', async () => {
  // GIVEN a deployed token and a saved plan that rotates it (keepers change)
  expectApplied(await world.apply(0));
  const current = await world.outputs();
  const plan = await world.workspace.run(['plan', '-input=false', '-no-color', '-out=rotation.tfplan', '-var=generation=1']);
  expect(plan.code).toBe(0);
  const state = readFileSync(path.join(world.workspace.dir, 'terraform.tfstate'), 'utf8');
  const tokenValue = (JSON.parse(state) as { resources: Array<{ type: string; instances: Array<{ attributes: { value?: string } }> }> }).resources.find(
    (r) => r.type === 'protector_token',
  )!.instances[0]!.attributes.value!;
  expect(tokenValue.length).toBeGreaterThan(20);
  // The raw JSON does hold it: that is why the summary must redact.
  const raw = await world.workspace.run(['show', '-json', 'rotation.tfplan']);
  expect(raw.stdout).toContain(tokenValue);

  // WHEN
  const summary = await protector(['plan', 'summary', '--plan', 'rotation.tfplan', '--chdir', world.workspace.dir], {
    TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile,
  });

  // THEN
  expect(summary.stderr).toBe('');
  expect(summary.code).toBe(0);
  expect(summary.stdout).toContain('Rotation summary: 1 to replace, 1 to update.');
  expect(summary.stdout).toMatch(/replace +protector_token\.app \(new token first, old one revoked after the drain\)/);
  expect(summary.stdout).toContain('why:         keepers changed (generation: "0" → "1")');
  expect(summary.stdout).toContain(`fingerprint: ${current.fingerprint} → (known after apply)`);
  expect(summary.stdout).toMatch(/update +protector_token_file\.host\[0\]/);
  expect(summary.stdout).not.toContain(tokenValue);
});

test('a plan file that does not exist is a usage error (exit 2) saying how to save one, without running terraform', async () => {
  const result = await protector(['plan', 'summary', '--plan', 'missing.tfplan', '--chdir', world.workspace.dir], {
    TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile,
  });
  expect(result.code).toBe(2);
  expect(result.stderr).toMatch(/--plan missing\.tfplan: no such file in .*; save a plan with `terraform plan -out missing\.tfplan`/);
});

test("a file that is not a saved plan is reported with terraform's reason (exit 3)", async () => {
  const result = await protector(['plan', 'summary', '--plan', 'main.tf', '--chdir', world.workspace.dir], {
    TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile,
  });
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(/terraform -chdir=.* show -json -no-color main\.tf` failed \(exit 1\)/);
});

describe('on real plans of the other changes a reviewer sees', () => {
  /** `terraform plan ARGS -out`, then the summary of that saved plan (text). */
  async function summaryOf(planArgs: string[]): Promise<string> {
    const plan = await world.workspace.run(['plan', '-input=false', '-no-color', '-out=review.tfplan', '-var=generation=0', ...planArgs]);
    expect({ code: plan.code, stderr: plan.stderr }).toEqual({ code: 0, stderr: '' });
    const summary = await protector(['plan', 'summary', '--plan', 'review.tfplan', '--chdir', world.workspace.dir], {
      TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile,
    });
    expect({ code: summary.code, stderr: summary.stderr }).toEqual({ code: 0, stderr: '' });
    return summary.stdout;
  }

  beforeAll(async () => {
    expectApplied(await world.apply(0));
  });

  test('a tainted token: replaced because it is tainted', async () => {
    expect((await world.workspace.run(['taint', '-no-color', 'protector_token.app'])).code).toBe(0);
    try {
      const text = await summaryOf([]);
      expect(text).toMatch(/replace +protector_token\.app \(new token first/);
      expect(text).toContain('why:         the resource is tainted');
    } finally {
      expect((await world.workspace.run(['untaint', '-no-color', 'protector_token.app'])).code).toBe(0);
    }
  });

  test('a tampered token file: rewritten, and nothing else changes', async () => {
    writeFileSync(world.tokenFile(0), 'tampered\n');
    const text = await summaryOf([]);
    expect(text).toContain('Rotation summary: 1 to update.');
    expect(text).toMatch(/update +protector_token_file\.host\[0\]\n +why: +the file is missing or was changed outside Terraform: it is rewritten/);
    expectApplied(await world.apply(0));
  });

  test('a destroy plan: every protector resource is deleted', async () => {
    const text = await summaryOf(['-destroy']);
    expect(text).toMatch(/^Rotation summary: 3 to delete\.$/m);
    expect(text).toMatch(/delete +protector_token\.app\n +why: +planned for destruction/);
    expect(text).toMatch(/delete +protector_connection_configuration\.app/);
  });

  test('a token revoked outside Terraform: a new one is created, and the summary says why', async () => {
    // GIVEN the managed token revoked by hand (a second token first: the only active token cannot be revoked)
    const { configurationId, tokenId } = await world.outputs();
    await world.client.generateToken(configurationId);
    await world.client.revokeToken(configurationId, tokenId);
    // WHEN
    const text = await summaryOf([]);
    // THEN
    expect(text).toMatch(/create +protector_token\.app\n +why: +revoked or deleted outside Terraform: a new token is created/);
  });
});
