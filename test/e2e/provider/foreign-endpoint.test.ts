/**
 * Issue 9, item 1 (data loss): with the provider's `endpoint` pointed at an HTTP server that is
 * not the token API, `terraform apply -refresh-only` used to report the configuration and the
 * token "deleted" and drop them from state; pointing back at the API then planned duplicates
 * while the old token stayed active and unmanaged. Now the refresh fails, names the endpoint and
 * leaves state as it was. Real terraform, the emulator, and a foreign server on loopback.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { type ForeignServer, startForeignServer } from '../../helpers/foreign-http-server';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl, stateResources, tf } from './helpers';

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

let emulator: InProcessEmulator;
let foreign: ForeignServer;
let workspace: TerraformWorkspace;

const resources = `
resource "protector_connection_configuration" "edge" {
  name            = "foreign-endpoint-e2e"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  drain_timeout               = "5s"
}
`;

beforeAll(async () => {
  emulator = await startInProcessEmulator();
  foreign = await startForeignServer();
  workspace = await createTerraformWorkspace({ hcl: providerHcl(emulator.edgercPath, emulator.section) + resources });
  await tf(workspace, ['init']);
  await tf(workspace, ['apply', '-auto-approve']);
}, 180_000);
afterAll(async () => {
  workspace?.cleanup();
  await foreign?.close();
  await emulator?.close();
});

test('a refresh against a server that is not the token API fails, names the endpoint and keeps state', async () => {
  const before = stateResources(workspace);
  expect(before.map((r) => r.type).sort()).toEqual(['protector_connection_configuration', 'protector_token']);
  const stateBefore = readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8');

  workspace.writeFile('main.tf', providerHcl(emulator.edgercPath, emulator.section, foreign.url) + resources);
  const refresh = await tf(workspace, ['apply', '-refresh-only', '-auto-approve'], 1);

  const output = oneLine(refresh.stdout + refresh.stderr);
  expect(output).toContain(foreign.url);
  expect(output).not.toMatch(/has been deleted/);
  expect(foreign.requests.length).toBeGreaterThan(0);
  expect(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8')).toBe(stateBefore);

  // Back on the real API: nothing to do, so no duplicate configuration or token is planned.
  workspace.writeFile('main.tf', providerHcl(emulator.edgercPath, emulator.section) + resources);
  const plan = await tf(workspace, ['plan', '-detailed-exitcode'], 0);
  expect(plan.stdout).toMatch(/No changes/);
}, 240_000);

test('a destroy against a server that is not the token API fails and keeps everything in state', async () => {
  const stateBefore = readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8');
  workspace.writeFile('main.tf', providerHcl(emulator.edgercPath, emulator.section, foreign.url) + resources);
  // No refresh: the deletes themselves meet the foreign 404s (a DELETE retried after a lost answer
  // used to count a 404 as done).
  const destroy = await tf(workspace, ['destroy', '-auto-approve', '-refresh=false'], 1);
  expect(oneLine(destroy.stdout + destroy.stderr)).toContain(foreign.url);
  expect(
    stateResources(workspace)
      .map((r) => r.type)
      .sort(),
  ).toEqual(['protector_connection_configuration', 'protector_token']);
  expect(JSON.parse(readFileSync(join(workspace.dir, 'terraform.tfstate'), 'utf8')).resources).toEqual(JSON.parse(stateBefore).resources);
}, 240_000);
