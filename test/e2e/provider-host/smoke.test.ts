/**
 * Smoke test of the protocol host under the real terraform binary: init from a filesystem mirror
 * written by `installProvider`, validate, plan (a create) and an apply/no-op-plan/destroy round,
 * with automatic mTLS on and with TF_DISABLE_PLUGIN_TLS. The full resource suite lives beside it.
 */
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import { providerHcl } from '../provider/helpers';

const hcl = (edgerc: string, section: string, endpoint: string) =>
  providerHcl(edgerc, section, endpoint) +
  `
resource "protector_connection_configuration" "smoke" {
  name            = "smoke"
  deployment_type = "kubernetes"
  contract_id     = "ctr_smoke"
  group_id        = "grp_smoke"
}
`;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await spawnEmulator();
}, 30_000);
afterAll(async () => {
  await emulator?.stop();
});

describe.each([
  ['with automatic mTLS', {}],
  ['with TF_DISABLE_PLUGIN_TLS=1', { TF_DISABLE_PLUGIN_TLS: '1' }],
])('terraform drives the provider %s', (_name, env: NodeJS.ProcessEnv) => {
  let workspace: TerraformWorkspace;
  beforeAll(async () => {
    workspace = await createTerraformWorkspace({ hcl: hcl(emulator.edgercPath, emulator.section, emulator.url), env });
  }, 60_000);
  afterAll(() => workspace?.cleanup());

  test('init (offline, from the mirror), validate, plan, apply, no-op plan, destroy', async () => {
    const init = await workspace.run(['init', '-input=false', '-no-color']);
    expect(init.stderr).toBe('');
    expect(init.stdout).toContain('Installing protector-iac/protector v');
    expect(init.code).toBe(0);

    const validate = await workspace.run(['validate', '-no-color']);
    expect(validate.stdout).toContain('The configuration is valid');
    expect(validate.code).toBe(0);

    const plan = await workspace.run(['plan', '-no-color', '-input=false']);
    expect(plan.stderr).toBe('');
    expect(plan.stdout).toMatch(/protector_connection_configuration\.smoke will be created/);
    expect(plan.stdout).toMatch(/id\s+= \(known after apply\)/);
    expect(plan.code).toBe(0);

    const apply = await workspace.run(['apply', '-auto-approve', '-no-color', '-input=false']);
    expect(apply.stderr).toBe('');
    expect(apply.stdout).toContain('Apply complete! Resources: 1 added');

    const again = await workspace.run(['plan', '-detailed-exitcode', '-no-color', '-input=false']);
    expect(again.stdout).toContain('No changes.');
    expect(again.code).toBe(0);

    const destroy = await workspace.run(['destroy', '-auto-approve', '-no-color', '-input=false']);
    expect(destroy.stderr).toBe('');
    expect(destroy.stdout).toContain('Destroy complete! Resources: 1 destroyed');
  }, 180_000);
});
