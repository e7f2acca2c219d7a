/**
 * Issue 9, items 2 and 3, with the real terraform: a token file whose parent directories would
 * be created under /proc (reached through a symlink, so validation cannot see it) used to hang
 * the provider for ever at full CPU; now the apply fails at once with a user error naming the
 * path. And Ctrl-C (StopProvider) during a write still waiting for the API ends the apply within
 * seconds, leaving no token file.
 */
import { spawn } from 'node:child_process';
import { existsSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl, tf } from './helpers';

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

let emulator: InProcessEmulator;
let workspace: TerraformWorkspace;

function hcl(tokenFile: string): string {
  return (
    providerHcl(emulator.edgercPath, emulator.section) +
    `
resource "protector_connection_configuration" "edge" {
  name            = "token-file-stop-e2e"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  drain_timeout               = "5s"
}

resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = protector_token.edge.id
  path                        = ${JSON.stringify(tokenFile)}
}
`
  );
}

beforeAll(async () => {
  emulator = await startInProcessEmulator();
  workspace = await createTerraformWorkspace({ hcl: '' });
  symlinkSync('/proc', join(workspace.dir, 'kernel'));
  workspace.writeFile('main.tf', hcl(join(workspace.dir, 'files', 'token')));
  await tf(workspace, ['init']);
}, 120_000);
afterAll(async () => {
  await emulator?.control.setFaults({});
  workspace?.cleanup();
  await emulator?.close();
});

test('parent directories under /proc fail the apply at once with a user error naming the path', async () => {
  const tokenFile = join(workspace.dir, 'kernel', 'protector', 'token');
  workspace.writeFile('main.tf', hcl(tokenFile));
  const started = Date.now();
  const result = await workspace.run(['apply', '-no-color', '-input=false', '-auto-approve'], { timeoutMs: 150_000 });
  const output = oneLine(result.stdout + result.stderr);
  expect(result.code).toBe(1);
  expect(output).toContain(join(workspace.dir, 'kernel', 'protector'));
  expect(output).toMatch(/Token File Path Not Usable/);
  expect(output).not.toMatch(/Internal Provider Error|This is a bug/);
  expect(Date.now() - started).toBeLessThan(120_000);
}, 180_000);

test('Ctrl-C while the token file waits for the API stops the apply within seconds', async () => {
  const tokenFile = join(workspace.dir, 'files', 'token');
  workspace.writeFile('main.tf', hcl(tokenFile));
  await tf(workspace, ['apply', '-auto-approve', '-target=protector_token.edge']);
  await emulator.control.setFaults({ latencyMs: 60_000, maxFaults: 1 });

  // No refresh: the token file's fetch of the value is then the first request, the one held.
  const child = spawn('terraform', ['apply', '-no-color', '-input=false', '-auto-approve', '-refresh=false'], {
    cwd: workspace.dir,
    env: { ...process.env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1', TF_CLI_CONFIG_FILE: workspace.cliConfigFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  const guard = setTimeout(() => child.kill('SIGKILL'), 150_000);
  try {
    // Wait until the token file's create is under way (it is then waiting for the slow answer).
    for (let waited = 0; !output.includes('protector_token_file.edge: Creating') && waited < 120_000; waited += 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(output).toContain('protector_token_file.edge: Creating');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const interrupted = Date.now();
    child.kill('SIGINT');
    const code = await exited;
    expect(code).not.toBe(0);
    expect(Date.now() - interrupted).toBeLessThan(20_000);
    expect(oneLine(output)).toMatch(/interrupted|cancelled/i);
    expect(oneLine(output)).not.toMatch(/Internal Provider Error|This is a bug/);
    expect(existsSync(tokenFile)).toBe(false);
  } finally {
    clearTimeout(guard);
    await emulator.control.setFaults({});
  }
}, 240_000);
