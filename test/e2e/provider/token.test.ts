/**
 * protector_token and protector_token_file under the real terraform binary against the emulator
 * process: first apply, rotation by keepers and by time with a drain held by an instance, drain
 * timeout then completion, the cap error, drift, import, destroy, and no token value in
 * TF_LOG=trace output or in the token file's state.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createTerraformWorkspace, type TerraformWorkspace } from '../../helpers/terraform';
import type { ProtectorClient } from '../../../src/api/client';
import { apiFor, deposedOf, fakeInstance, providerHcl, stateOf, stateResources, tf } from './helpers';

const oneLine = (text: string) => text.replace(/\s+/g, ' ');

interface Settings {
  generation: string;
  rotationPeriod?: string;
  drainTimeout?: string;
  createBeforeDestroy?: boolean;
  /** The token file's token_id expression. */
  tokenIdExpression?: string;
}

let emulator: RunningEmulator;
let api: ProtectorClient;
let workspace: TerraformWorkspace;
let tokenFile: string;
/** A Protector instance on this host: it reads the token file, so it follows every rotation. */
let vm1: ReturnType<typeof fakeInstance> | undefined;
/** Stuck on the old token until told to follow the file. Instances keep running until the end:
 *  a stopped one still counts as recently seen (and holds every drain) for minutes. */
let stuck: ReturnType<typeof fakeInstance> | undefined;

function write(settings: Settings): void {
  workspace.writeFile(
    'main.tf',
    providerHcl(emulator.edgercPath, emulator.section) +
      `
resource "protector_connection_configuration" "edge" {
  name            = "token-e2e"
  deployment_type = "reverse_proxy"
  contract_id     = "ctr_e2e"
  group_id        = "grp_e2e"
}

resource "protector_token" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  ${settings.rotationPeriod ? `rotation_period = ${JSON.stringify(settings.rotationPeriod)}` : ''}
  drain_timeout = ${JSON.stringify(settings.drainTimeout ?? '30s')}
  keepers = { generation = ${JSON.stringify(settings.generation)} }
  # This suite reads the value from state to check the file and to play a stuck instance.
  store_value = true
  ${settings.createBeforeDestroy === false ? '' : 'lifecycle {\n    create_before_destroy = true\n  }'}
}

resource "protector_token_file" "edge" {
  connection_configuration_id = protector_connection_configuration.edge.id
  token_id                    = ${settings.tokenIdExpression ?? 'protector_token.edge.id'}
  path                        = ${JSON.stringify(tokenFile)}
}
`,
  );
}

const configId = () => stateOf(workspace, 'protector_connection_configuration', 'edge').id as string;
const managed = () => stateOf(workspace, 'protector_token', 'edge');
const activeIds = async () => (await api.listTokens(configId())).active.map((t) => t.tokenId);

beforeAll(async () => {
  emulator = await spawnEmulator();
  api = apiFor(emulator.edgercPath, emulator.section);
  workspace = await createTerraformWorkspace({ hcl: '' });
  tokenFile = join(workspace.dir, 'protector', 'token');
  write({ generation: '1' });
  await tf(workspace, ['init']);
}, 60_000);
afterAll(async () => {
  await vm1?.stop();
  await stuck?.stop();
  workspace?.cleanup();
  await emulator?.stop();
});

test('first apply: exactly one active token, the managed one, written to the file; then no changes', async () => {
  await tf(workspace, ['apply', '-auto-approve']);
  const token = managed();
  expect(await activeIds()).toEqual([token.id]);
  expect(readFileSync(tokenFile, 'utf8')).toBe(token.value);
  expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');
}, 120_000);

test('rotation by keepers: the revoke waits until the instance reading the file moved to the new token', async () => {
  const old = managed();
  vm1 = fakeInstance(emulator.url, 'vm-1', 'REVERSE_PROXY', { file: tokenFile });
  await vm1.beatNow();
  expect((await api.listInstances(configId())).instances).toEqual([expect.objectContaining({ instanceId: 'vm-1', tokenId: old.id })]);
  write({ generation: '2' });
  const apply = await tf(workspace, ['apply', '-auto-approve']);
  expect(apply.stdout).toMatch(/keepers.*# forces replacement/s);
  expect(apply.stdout).toContain('Resources: 1 added, 1 changed, 1 destroyed');
  const fresh = managed();
  expect(fresh.id).not.toBe(old.id);
  expect(await activeIds()).toEqual([fresh.id]);
  expect(readFileSync(tokenFile, 'utf8')).toBe(fresh.value);
  expect((await api.listInstances(configId())).instances[0]).toMatchObject({ tokenId: fresh.id });
  expect(vm1.failures()).toBe(0);
}, 120_000);

test('drain timeout: apply fails naming the stuck instance, the old token stays, the next apply completes', async () => {
  const old = managed();
  stuck = fakeInstance(emulator.url, 'vm-stuck', 'REVERSE_PROXY', { value: old.value as string });
  {
    await stuck.beatNow();
    // The drain of a token uses that token's own drain_timeout: set it first (in place), then rotate.
    write({ generation: '2', drainTimeout: '3s' });
    expect((await tf(workspace, ['apply', '-auto-approve'])).stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed');
    write({ generation: '3', drainTimeout: '3s' });
    const failed = await tf(workspace, ['apply', '-auto-approve'], 1);
    expect(failed.stderr).toContain('Error: Drain Timeout');
    expect(oneLine(failed.stderr)).toMatch(/still authenticate with it: vm-stuck \(version 1\.0\.0/);
    const fresh = managed();
    expect(await activeIds()).toEqual([old.id, fresh.id]);
    expect(stuck.failures()).toBe(0);
    // Terraform keeps the old token as a deposed object of the resource: the next apply destroys it.
    expect(deposedOf(workspace, 'protector_token', 'edge')).toEqual([expect.objectContaining({ id: old.id })]);

    stuck.follow(tokenFile);
    await stuck.beatNow();
    const plan = await tf(workspace, ['plan', '-detailed-exitcode'], 2);
    expect(plan.stdout).toMatch(/protector_token\.edge \(deposed object \w+\) will be destroyed/);
    const retried = await tf(workspace, ['apply', '-auto-approve']);
    expect(retried.stdout).toMatch(/Destroying\.\.\. \[id=tok_/);
    expect(deposedOf(workspace, 'protector_token', 'edge')).toEqual([]);
    expect(await activeIds()).toEqual([fresh.id]);
    expect(stuck.failures()).toBe(0);
    expect(vm1!.failures()).toBe(0);
  }
}, 120_000);

test('rotation by time: a rotation_period of seconds makes the token due, shown as rotate_after forcing replacement', async () => {
  write({ generation: '3', rotationPeriod: '4s' });
  await tf(workspace, ['apply', '-auto-approve']); // the token is older than 4s: this already rotates it
  const before = managed();
  const dueAt = Date.parse(before.rotate_after as string);
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, dueAt - Date.now()) + 500));
  const plan = await tf(workspace, ['plan', '-detailed-exitcode'], 2);
  expect(plan.stdout).toMatch(/rotate_after\s+= "[^"]+" -> \(known after apply\) # forces replacement/);
  expect(plan.stdout).not.toMatch(/deleted outside of Terraform|has been deleted/);
  await tf(workspace, ['apply', '-auto-approve']);
  const rotated = managed();
  expect(rotated.id).not.toBe(before.id);
  expect(await activeIds()).toEqual([rotated.id]);
  // A longer period only moves rotate_after, in place.
  write({ generation: '3', rotationPeriod: '1h' });
  expect((await tf(workspace, ['apply', '-auto-approve'])).stdout).toContain('Resources: 0 added, 1 changed, 0 destroyed');
  expect(managed()).toMatchObject({ id: rotated.id, rotate_after: new Date(Date.parse(rotated.created_at as string) + 3_600_000).toISOString() });
}, 120_000);

test('a token file tampered with is repaired; no token value in TF_LOG=trace output or the file state', async () => {
  writeFileSync(tokenFile, 'tampered');
  const apply = await tf(workspace, ['apply', '-auto-approve'], 0, { TF_LOG: 'trace' });
  const token = managed();
  expect(readFileSync(tokenFile, 'utf8')).toBe(token.value);
  expect(apply.stdout + apply.stderr).toContain('content_sha256');
  expect(apply.stdout + apply.stderr).not.toContain(token.value as string);
  const fileState = stateResources(workspace).filter((r) => r.type === 'protector_token_file');
  expect(JSON.stringify(fileState)).not.toContain(token.value as string);
}, 120_000);

test('a token value put where an id belongs by mistake: plan fails on validation, naming it by fingerprint only', async () => {
  const token = managed();
  write({ generation: '3', rotationPeriod: '1h', tokenIdExpression: 'protector_token.edge.value' });
  const failed = await tf(workspace, ['plan'], 1, { TF_LOG: 'trace' });
  expect(oneLine(failed.stderr)).toMatch(/Invalid Attribute Value.*expected a token id/);
  expect(failed.stderr).toContain(token.fingerprint as string);
  expect(failed.stdout + failed.stderr).not.toContain(token.value as string);
  write({ generation: '3', rotationPeriod: '1h' });
}, 120_000);

test('drift: a token revoked by hand is replaced with a warning giving the reason; license expiry too', async () => {
  const old = managed();
  const spare = await api.generateToken(configId());
  await api.revokeToken(configId(), old.id as string);
  const afterManual = await tf(workspace, ['apply', '-auto-approve']);
  expect(afterManual.stdout).toContain('Token Revoked Outside Terraform');
  expect(oneLine(afterManual.stdout)).toMatch(/revoke reason MANUAL/);
  // The spare token is not ours: it stays, and the new managed token joins it.
  expect(await activeIds()).toEqual([spare.tokenId, managed().id]);
  await api.revokeToken(configId(), spare.tokenId);

  await emulator.control.expireLicense(configId());
  const afterExpiry = await tf(workspace, ['apply', '-auto-approve']);
  expect(oneLine(afterExpiry.stdout)).toMatch(/license expired.*revoke reason LICENSE_EXPIRED/);
  expect(await activeIds()).toEqual([managed().id]);
  expect(readFileSync(tokenFile, 'utf8')).toBe(managed().value);
  expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');
}, 120_000);

test('the cap: a rotation while another token holds the second slot fails listing both', async () => {
  const current = managed();
  const other = await api.generateToken(configId());
  write({ generation: '4', rotationPeriod: '1h' });
  const failed = await tf(workspace, ['apply', '-auto-approve'], 1);
  expect(failed.stderr).toContain('Error: Token Cap Reached');
  expect(oneLine(failed.stderr)).toContain(`${current.id as string} (${current.fingerprint as string}`);
  expect(oneLine(failed.stderr)).toContain(`${other.tokenId} (${other.fingerprint}`);
  await api.revokeToken(configId(), other.tokenId);
  await tf(workspace, ['apply', '-auto-approve']);
  expect(await activeIds()).toEqual([managed().id]);
}, 120_000);

test('without create_before_destroy the rotation fails and says to set it', async () => {
  write({ generation: '5', rotationPeriod: '1h', createBeforeDestroy: false });
  const failed = await tf(workspace, ['apply', '-auto-approve'], 1);
  expect(failed.stderr).toContain('Error: Create Before Destroy Required');
  expect(oneLine(failed.stderr)).toContain('lifecycle { create_before_destroy = true }');
  expect(await activeIds()).toEqual([managed().id]);
  write({ generation: '5', rotationPeriod: '1h' });
  await tf(workspace, ['apply', '-auto-approve']);
}, 120_000);

test('import by CONFIG_ID/TOKEN_ID, then destroy: the only active token warns and goes with the configuration', async () => {
  const token = managed();
  await tf(workspace, ['state', 'rm', 'protector_token.edge']);
  const imported = await tf(workspace, ['import', 'protector_token.edge', `${configId()}/${token.id as string}`]);
  expect(imported.stdout).toContain('Import successful!');
  // An import stores no value; store_value = true in the configuration reads it back in place.
  expect(managed()).toMatchObject({ id: token.id, store_value: false, value: null });
  // keepers and rotation_period are not part of an import: the next apply settles them in place or by rotation.
  await tf(workspace, ['apply', '-auto-approve']);
  expect(managed()).toMatchObject({ store_value: true, value: (await api.getTokenValue(configId(), managed().id as string)).value });
  expect((await tf(workspace, ['plan', '-detailed-exitcode'], 0)).stdout).toContain('No changes.');

  const id = configId();
  const destroy = await tf(workspace, ['destroy', '-auto-approve']);
  expect(destroy.stdout).toContain('Only Active Token Stays Active');
  expect(destroy.stdout).toContain('Destroy complete! Resources: 3 destroyed');
  expect(existsSync(tokenFile)).toBe(false);
  await expect(api.getConnectionConfiguration(id)).rejects.toThrow(/does not exist/);
}, 180_000);
