/** 30 connection configurations in one apply: Terraform's parallel calls lose nothing. */
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { apiFor, providerHcl, stateResources, tf } from './helpers';

let emulator: RunningEmulator;
let workspace: TerraformWorkspace;
beforeAll(async () => {
  emulator = await spawnEmulator();
  workspace = await createTerraformWorkspace({
    hcl:
      providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "fleet" {
  count           = 30
  name            = "fleet-\${count.index}"
  deployment_type = count.index % 2 == 0 ? "kubernetes" : "reverse_proxy"
  contract_id     = "ctr_fleet"
  group_id        = "grp_fleet"

  dynamic "target" {
    for_each = count.index % 2 == 0 ? [] : [count.index]
    content {
      host     = "origin-\${target.value}.example.com"
      ports    = [443]
      protocol = "https"
    }
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

test('30 configurations in one apply, then a no-op plan and one destroy', async () => {
  const apply = await tf(workspace, ['apply', '-auto-approve']);
  expect(apply.stdout).toContain('Resources: 30 added, 0 changed, 0 destroyed');

  const inState = stateResources(workspace).filter((r) => r.type === 'protector_connection_configuration');
  expect(inState).toHaveLength(30);
  const ids = new Set(inState.map((r) => r.attributes.id));
  expect(ids.size).toBe(30);

  const api = apiFor(emulator.edgercPath, emulator.section);
  const page = await api.listConnectionConfigurations({ pageSize: 100 });
  expect(page.totalItems).toBe(30);
  expect(new Set(page.connectionConfigurations.map((c) => c.connectionConfigurationId))).toEqual(ids);
  expect(page.connectionConfigurations.filter((c) => c.target !== undefined)).toHaveLength(15);

  expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');
  expect((await tf(workspace, ['destroy', '-auto-approve'])).stdout).toContain('Destroy complete! Resources: 30 destroyed');
  expect((await api.listConnectionConfigurations()).totalItems).toBe(0);
}, 240_000);
