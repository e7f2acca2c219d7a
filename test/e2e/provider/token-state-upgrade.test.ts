/**
 * A state written by a provider version that stored protector_token.value (schema version 0)
 * under the real terraform binary: the plan warns that the value is dropped, the apply writes a
 * state without it, and later plans are quiet.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { apiFor, providerHcl, stateOf, tf } from './helpers';

let emulator: RunningEmulator;
let workspace: TerraformWorkspace;

beforeAll(async () => {
  emulator = await spawnEmulator();
  workspace = await createTerraformWorkspace({
    hcl:
      providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "edge" {
  name            = "upgrade-e2e"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  lifecycle {
    create_before_destroy = true
  }
}
`,
  });
  await tf(workspace, ['init']);
}, 60_000);
afterAll(async () => {
  workspace?.cleanup();
  await emulator?.stop();
});

type StateFile = { resources: Array<{ type: string; instances: Array<{ schema_version: number; attributes: Record<string, unknown> }> }> };

test('a version-0 state loses its stored value: the plan warns, the apply drops it, the next plan is quiet', async () => {
  // GIVEN a state as the earlier provider wrote it: schema version 0, the value stored, no store_value
  await tf(workspace, ['apply', '-auto-approve']);
  const token = stateOf(workspace, 'protector_token', 'edge');
  const { value } = await apiFor(emulator.edgercPath, emulator.section).getTokenValue(token.connection_configuration_id as string, token.id as string);
  const stateFile = join(workspace.dir, 'terraform.tfstate');
  const old = JSON.parse(readFileSync(stateFile, 'utf8')) as StateFile;
  const instance = old.resources.find((r) => r.type === 'protector_token')!.instances[0]!;
  expect(instance.schema_version).toBe(1);
  instance.schema_version = 0;
  delete instance.attributes.store_value;
  instance.attributes.value = value;
  writeFileSync(stateFile, JSON.stringify(old));

  // WHEN terraform plans THEN it warns that the value is dropped, naming the token by fingerprint only
  const plan = await tf(workspace, ['plan']);
  const said = (plan.stdout + plan.stderr).replace(/\s+/g, ' ');
  expect(said).toContain('Warning: Token Value Removed From State');
  expect(said).toContain(`${token.id as string} (${token.fingerprint as string})`);
  expect(plan.stdout + plan.stderr).not.toContain(value);

  // WHEN it applies THEN the state holds no value any more, under schema version 1
  await tf(workspace, ['apply', '-auto-approve']);
  const upgraded = readFileSync(stateFile, 'utf8');
  expect(upgraded).not.toContain(value);
  const upgradedInstance = (JSON.parse(upgraded) as StateFile).resources.find((r) => r.type === 'protector_token')!.instances[0]!;
  expect(upgradedInstance.schema_version).toBe(1);
  expect(upgradedInstance.attributes).toMatchObject({ id: token.id, store_value: false, value: null });

  const quiet = await tf(workspace, ['plan', '-detailed-exitcode']);
  expect(quiet.stdout).toContain('No changes.');
  expect(quiet.stdout + quiet.stderr).not.toContain('Token Value Removed From State');
}, 240_000);
