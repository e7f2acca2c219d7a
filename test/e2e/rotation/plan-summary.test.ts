/**
 * `protector plan summary --plan PLANFILE --chdir DIR` on a real saved plan: it runs
 * `terraform show -json` itself, reports the rotation with its reason, and prints no token value
 * although the plan JSON holds them.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRotationWorld, expectApplied, type RotationWorld } from './harness';

jest.setTimeout(120_000);

const BIN = path.resolve(__dirname, '..', '..', '..', 'bin', 'protector');
let world: RotationWorld;

beforeAll(async () => {
  world = await createRotationWorld({ hosts: 1, drainTimeout: '10s' });
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
  const tokenValue = (JSON.parse(state) as { resources: Array<{ type: string; instances: Array<{ attributes: { value?: string } }> }> }).resources
    .find((r) => r.type === 'protector_token')!.instances[0]!.attributes.value!;
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

test('a plan file that does not exist is reported with terraform\'s reason', async () => {
  const result = await protector(['plan', 'summary', '--plan', 'missing.tfplan', '--chdir', world.workspace.dir], {
    TF_CLI_CONFIG_FILE: world.workspace.cliConfigFile,
  });
  expect(result.code).toBe(3);
  expect(result.stderr).toMatch(/terraform -chdir=.* show -json -no-color missing\.tfplan` failed \(exit 1\)/);
});
