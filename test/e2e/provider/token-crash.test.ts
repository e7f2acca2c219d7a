/**
 * Crash safety: terraform is killed (SIGKILL, with its provider) right after the API generated the
 * new token of a rotation. The next apply converges: no orphan token, no cap error, no extra token.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import type { ProtectorClient } from '../../../src/api/client';
import { apiFor, fakeInstance, providerHcl, stateOf, tf } from './helpers';

let emulator: RunningEmulator;
let api: ProtectorClient;
let workspace: TerraformWorkspace;
let tokenFile: string;
let instance: ReturnType<typeof fakeInstance> | undefined;

function write(generation: string): void {
  workspace.writeFile(
    'main.tf',
    providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "edge" {
  name            = "crash-e2e"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  keepers = { generation = ${JSON.stringify(generation)} }
  lifecycle {
    create_before_destroy = true
  }
}

resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = protector_token.edge.id
  path                        = ${JSON.stringify(tokenFile)}
}
`,
  );
}

beforeAll(async () => {
  emulator = await spawnEmulator();
  api = apiFor(emulator.edgercPath, emulator.section);
  workspace = await createTerraformWorkspace({ hcl: '' });
  tokenFile = join(workspace.dir, 'token');
  write('1');
  await tf(workspace, ['init']);
  await tf(workspace, ['apply', '-auto-approve']);
}, 90_000);
afterAll(async () => {
  await instance?.stop();
  workspace?.cleanup();
  await emulator?.stop();
});

/** Starts `terraform apply` and SIGKILLs its whole process group once `ready()` holds (polled, bounded). */
async function applyKilledWhen(ready: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const child = spawn('terraform', ['apply', '-auto-approve', '-no-color', '-input=false'], {
    cwd: workspace.dir,
    env: { ...process.env, TF_CLI_CONFIG_FILE: workspace.cliConfigFile, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' },
    detached: true,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + timeoutMs;
  try {
    while (Date.now() < deadline) {
      if (await ready()) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await exited;
}

test('terraform killed right after generation: the next apply adopts that token and converges', async () => {
  const configId = stateOf(workspace, 'protector_connection_configuration', 'edge').id as string;
  const old = stateOf(workspace, 'protector_token', 'edge');
  instance = fakeInstance(emulator.url, 'vm-1', 'REVERSE_PROXY', { file: tokenFile });
  await instance.beatNow();
  const generatedBefore = (await emulator.control.stats()).tokensGenerated;

  // Hold the next step after generation (the token file fetching the new value) so the kill lands in between.
  // The hold is long because on a loaded 2-core machine the kill can trail the generation by seconds: a
  // file rewritten before the kill makes the instance use the new token, which is then (rightly) not adopted.
  await emulator.control.setFaults({ latencyMs: 20_000, pathPattern: '**/tokens/*/value', maxFaults: 1 });
  write('2');
  await applyKilledWhen(async () => (await emulator.control.stats()).tokensGenerated > generatedBefore);
  await emulator.control.clearFaults();

  const afterCrash = await api.listTokens(configId);
  expect(afterCrash.active.map((t) => t.tokenId)).toContain(old.id);
  expect(afterCrash.active).toHaveLength(2);
  const generated = afterCrash.active.find((t) => t.tokenId !== old.id)!;

  // WHEN the apply runs again THEN the crashed run's token is the managed one, and the old one is revoked
  await tf(workspace, ['apply', '-auto-approve']);
  const managed = stateOf(workspace, 'protector_token', 'edge');
  expect(managed.id).toBe(generated.tokenId);
  expect((await api.listTokens(configId)).active.map((t) => t.tokenId)).toEqual([generated.tokenId]);
  expect((await emulator.control.stats()).tokensGenerated).toBe(generatedBefore + 1);
  expect(readFileSync(tokenFile, 'utf8')).toBe((await api.getTokenValue(configId, managed.id as string)).value);
  expect(instance.failures()).toBe(0);
  expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');
}, 150_000);
