/**
 * protector_connection_configuration under the real terraform binary against the emulator process:
 * init from the filesystem mirror, plan, apply, no-op plan, in-place update, replacement, import,
 * destroy (with the token warning) and the kubernetes+target error, with plugin TLS on and off.
 */
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import type { ProtectorClient } from '../../../src/api/client';
import { apiFor, providerHcl, stateOf, tf } from './helpers';

const RESOURCE = 'protector_connection_configuration';

interface EdgeSettings {
  name: string;
  deploymentType: 'reverse_proxy' | 'kubernetes';
  ports?: number[];
}

function configurationHcl(settings: EdgeSettings): string {
  const target =
    settings.ports === undefined
      ? ''
      : `
  target {
    host     = "origin.example.com"
    ports    = ${JSON.stringify(settings.ports)}
    protocol = "https"
  }`;
  return `
resource "${RESOURCE}" "edge" {
  name            = ${JSON.stringify(settings.name)}
  description     = "End-to-end test configuration."
  deployment_type = ${JSON.stringify(settings.deploymentType)}
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"${target}
}
`;
}

/** Terraform wraps diagnostic text at 80 columns. */
const oneLine = (text: string) => text.replace(/\s+/g, ' ');

let emulator: RunningEmulator;
let api: ProtectorClient;
beforeAll(async () => {
  emulator = await spawnEmulator();
  api = apiFor(emulator.edgercPath, emulator.section);
}, 30_000);
afterAll(async () => {
  await emulator?.stop();
});

describe.each([
  ['with automatic mTLS', {}],
  ['with TF_DISABLE_PLUGIN_TLS=1', { TF_DISABLE_PLUGIN_TLS: '1' }],
])('terraform %s', (_variant, env: NodeJS.ProcessEnv) => {
  let workspace: TerraformWorkspace;
  const write = (settings: EdgeSettings) => workspace.writeFile('main.tf', providerHcl(emulator.edgercPath, emulator.section) + configurationHcl(settings));

  beforeAll(async () => {
    workspace = await createTerraformWorkspace({ hcl: '', env });
    write({ name: 'edge', deploymentType: 'reverse_proxy', ports: [443] });
    await tf(workspace, ['init']);
  }, 60_000);
  afterAll(() => workspace?.cleanup());

  test('create, no-op plan, in-place update, replacement, import, destroy', async () => {
    // GIVEN a reverse-proxy configuration, planned then applied
    const plan = await tf(workspace, ['plan', '-detailed-exitcode'], 2);
    expect(plan.stdout).toMatch(/protector_connection_configuration\.edge will be created/);
    await tf(workspace, ['apply', '-auto-approve']);
    const created = stateOf(workspace, RESOURCE, 'edge');
    expect(created.id).toMatch(/^ccfg_/);
    expect(await api.getConnectionConfiguration(created.id as string)).toMatchObject({ name: 'edge', target: { ports: [443] } });

    // THEN a second plan shows no changes
    expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');

    // WHEN name and target change THEN it is updated in place, keeping its id
    write({ name: 'edge-renamed', deploymentType: 'reverse_proxy', ports: [443, 8443] });
    const update = await tf(workspace, ['apply', '-auto-approve']);
    expect(update.stdout).toMatch(/will be updated in-place/);
    expect(update.stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed');
    expect(stateOf(workspace, RESOURCE, 'edge').id).toBe(created.id);
    expect(await api.getConnectionConfiguration(created.id as string)).toMatchObject({ name: 'edge-renamed', target: { ports: [443, 8443] } });

    // WHEN the deployment type changes THEN it is replaced, with the token warning in the plan
    write({ name: 'edge-renamed', deploymentType: 'kubernetes' });
    const replace = await tf(workspace, ['apply', '-auto-approve']);
    expect(replace.stdout).toMatch(/must be replaced/);
    expect(replace.stdout).toMatch(/deployment_type\s+= "reverse_proxy" -> "kubernetes" # forces replacement/);
    expect(replace.stdout).toContain('Deleting A Connection Configuration Revokes Its Tokens');
    expect(replace.stdout).toContain('Resources: 1 added, 0 changed, 1 destroyed');
    const replaced = stateOf(workspace, RESOURCE, 'edge');
    expect(replaced.id).not.toBe(created.id);
    await expect(api.getConnectionConfiguration(created.id as string)).rejects.toThrow(/does not exist/);

    // WHEN it is forgotten and imported by id THEN the plan shows no difference
    await tf(workspace, ['state', 'rm', `${RESOURCE}.edge`]);
    const imported = await tf(workspace, ['import', `${RESOURCE}.edge`, replaced.id as string]);
    expect(imported.stdout).toContain('Import successful!');
    expect(stateOf(workspace, RESOURCE, 'edge')).toEqual(replaced);
    expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');

    // WHEN destroyed THEN the warning says the tokens go with it, and the configuration is gone
    const destroy = await tf(workspace, ['destroy', '-auto-approve']);
    expect(destroy.stdout).toContain('Deleting A Connection Configuration Revokes Its Tokens');
    expect(oneLine(destroy.stdout)).toContain('Destroying it revokes every token it has (revoke reason CONFIGURATION_DELETED)');
    expect(destroy.stdout).toContain('Destroy complete! Resources: 1 destroyed');
    await expect(api.getConnectionConfiguration(replaced.id as string)).rejects.toThrow(/does not exist/);
  }, 240_000);

  test('a target block on a kubernetes configuration fails at plan, pointing at the block', async () => {
    write({ name: 'bad', deploymentType: 'kubernetes', ports: [443] });
    const plan = await tf(workspace, ['plan'], 1);
    expect(plan.stderr).toContain('Error: Target Not Allowed For Kubernetes');
    expect(plan.stderr).toMatch(
      /with protector_connection_configuration\.edge,\s+on main\.tf line \d+, in resource "protector_connection_configuration" "edge":\s+\d+:\s+host\s+= "origin\.example\.com"/,
    );
  }, 60_000);
});
