/** examples/hcl/main.tf is runnable as shipped: apply against the emulator, no-op plan, rotate, destroy. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { apiFor, stateOf, tf } from './helpers';

const EXAMPLE = join(__dirname, '..', '..', '..', 'examples', 'hcl', 'main.tf');

let emulator: RunningEmulator;
let workspace: TerraformWorkspace;
let vars: string[];
beforeAll(async () => {
  emulator = await spawnEmulator();
  workspace = await createTerraformWorkspace({ hcl: readFileSync(EXAMPLE, 'utf8') });
  vars = ['-var', `edgerc=${emulator.edgercPath}`, '-var', `section=${emulator.section}`, '-var', `token_file=${join(workspace.dir, 'token')}`];
  await tf(workspace, ['init']);
}, 60_000);
afterAll(async () => {
  workspace?.cleanup();
  await emulator?.stop();
});

test('the HCL example applies, shows no changes, rotates on a generation change, and destroys', async () => {
  const apply = await tf(workspace, ['apply', '-auto-approve', ...vars]);
  expect(apply.stdout).toContain('Resources: 5 added, 0 changed, 0 destroyed');
  expect(apply.stdout).toMatch(/cluster_token_fingerprint = "sha256:[0-9a-f]{12}"/);
  expect(apply.stdout).toContain('ephemeral.protector_token_value.cluster: Opening complete');
  const api = apiFor(emulator.edgercPath, emulator.section);
  for (const name of ['edge', 'cluster']) {
    const configId = stateOf(workspace, 'protector_connection_configuration', name).id as string;
    expect((await api.listTokens(configId)).active.map((t) => t.tokenId)).toEqual([stateOf(workspace, 'protector_token', name).id]);
  }
  const edge = stateOf(workspace, 'protector_token', 'edge');
  expect(readFileSync(join(workspace.dir, 'token'), 'utf8')).toBe((await api.getTokenValue(edge.connection_configuration_id as string, edge.id as string)).value);
  expect((await tf(workspace, ['plan', '-detailed-exitcode', ...vars], 0)).stdout).toContain('No changes.');

  const rotate = await tf(workspace, ['apply', '-auto-approve', ...vars, '-var', 'token_generation=2']);
  expect(rotate.stdout).toContain('Resources: 2 added, 1 changed, 2 destroyed');

  expect((await tf(workspace, ['destroy', '-auto-approve', ...vars, '-var', 'token_generation=2'])).stdout).toContain('Destroy complete! Resources: 5 destroyed');
}, 180_000);
