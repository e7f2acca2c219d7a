import { connectionConfigurationResource as resource } from '../../../../src/provider/resources/connection-configuration';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { signedRequest } from '../../../helpers/emulator';
import { startHarness, type Harness } from './harness';

function config(overrides: Partial<Model> = {}): Model {
  return {
    id: null,
    created_at: null,
    name: 'checkout-edge',
    description: 'Protectors in front of checkout.',
    deployment_type: 'reverse_proxy',
    contract_id: 'ctr_1-ABCDE',
    group_id: 'grp_12345',
    target: { host: 'origin.example.com', ports: [443, 8443], protocol: 'https' },
    ...overrides,
  };
}

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness();
});
afterAll(async () => {
  await harness.close();
});

describe('validation', () => {
  test('a target block on a kubernetes configuration is an error on the target path', () => {
    const items = harness.validate(resource, config({ deployment_type: 'kubernetes' }));
    expect(items).toEqual([expect.objectContaining({ severity: 'error', summary: 'Target Not Allowed For Kubernetes', path: ['target', 'host'] })]);
    expect(items[0]!.detail).toMatch(/Remove the `target` block, or set `deployment_type = "reverse_proxy"`/);
  });

  test('a kubernetes configuration without target and a reverse proxy one with it are valid', () => {
    expect(harness.validate(resource, config({ deployment_type: 'kubernetes', target: null }))).toEqual([]);
    expect(harness.validate(resource, config())).toEqual([]);
  });

  test('an unknown deployment type does not trip the kubernetes rule', () => {
    expect(harness.validate(resource, config({ deployment_type: Unknown }))).toEqual([]);
  });

  test.each([
    [{ deployment_type: 'vm' }, ['deployment_type'], /expected one of "kubernetes", "reverse_proxy", got "vm"/],
    [{ name: ' padded ' }, ['name'], /no leading or trailing spaces, got " padded "/],
    [{ description: '' }, ['description'], /remove the argument instead/],
    [{ target: { host: 'origin.example.com', ports: [0, 443], protocol: 'https' } }, ['target', 'ports'], /from 1 to 65535, got 0/],
    [{ target: { host: 'origin.example.com', ports: [443], protocol: 'HTTPS' } }, ['target', 'protocol'], /expected one of "http", "https", got "HTTPS"/],
    [{ target: { host: 'https://origin', ports: [443], protocol: 'https' } }, ['target', 'host'], /host name or IPv4 address.*got "https:\/\/origin"/],
  ])('%p is rejected at %p', (overrides, path, message) => {
    const items = harness.validate(resource, config(overrides as Partial<Model>));
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ severity: 'error', path });
    expect(items[0]!.detail).toMatch(message);
  });
});

describe('lifecycle against the emulator', () => {
  test('create, no-op plan, in-place update, replacement, destroy', async () => {
    // GIVEN a new reverse-proxy configuration
    const created = await harness.converge(resource, null, config());
    const state = created.state!;
    expect(created.plan.planned).toMatchObject({ id: Unknown, created_at: Unknown });
    expect(state).toMatchObject({ name: 'checkout-edge', deployment_type: 'reverse_proxy', target: { ports: [443, 8443], protocol: 'https' } });
    expect(state.id).toMatch(/^ccfg_/);

    // THEN the API has it, with its initial token, and nothing the provider said holds that token's value
    const tokens = await harness.deps.api.listTokens(state.id as string);
    expect(tokens.active).toHaveLength(1);
    const value = (await harness.deps.api.getTokenValue(state.id as string, tokens.active[0]!.tokenId)).value;
    expect(harness.everythingSaid()).not.toContain(value);
    expect(JSON.stringify(state)).not.toContain(value);

    // WHEN nothing changed THEN the plan keeps every value (a no-op)
    const noop = await harness.plan(resource, state, config());
    expect(noop.planned).toEqual(state);
    expect(noop.requiresReplace).toEqual([]);

    // WHEN the name, description and target change THEN it is updated in place
    const changes = { name: 'checkout-edge-2', description: null, target: { host: 'origin2.example.com', ports: [80], protocol: 'http' } };
    const updated = await harness.converge(resource, state, config(changes));
    expect(updated.plan.requiresReplace).toEqual([]);
    expect(updated.state).toMatchObject({ ...changes, id: state.id, created_at: state.created_at });
    expect(await harness.deps.api.getConnectionConfiguration(state.id as string)).toMatchObject({
      name: 'checkout-edge-2',
      target: { host: 'origin2.example.com', ports: [80], protocol: 'HTTP' },
    });
    expect((await harness.deps.api.getConnectionConfiguration(state.id as string)).description).toBeUndefined();

    // WHEN the deployment type changes THEN it plans a replacement, warns about the tokens, and the id becomes unknown
    const replacing = await harness.plan(resource, updated.state, config({ ...changes, deployment_type: 'kubernetes', target: null }));
    expect(replacing.requiresReplace).toEqual([['deployment_type']]);
    expect(replacing.planned).toMatchObject({ id: Unknown, created_at: Unknown });
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Deleting A Connection Configuration Revokes Its Tokens' })]);
    expect(harness.last[0]!.detail).toContain('Replacing it (`deployment_type` changed) deletes it, which revokes every token it has');
    expect(harness.last[0]!.detail).toContain(tokens.active[0]!.fingerprint);

    // WHEN destroyed THEN the plan warns first, and the delete revokes the tokens
    await harness.plan(resource, updated.state, null);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Deleting A Connection Configuration Revokes Its Tokens' })]);
    expect(harness.last[0]!.detail).toMatch(/Destroying it revokes every token it has \(revoke reason CONFIGURATION_DELETED\)/);
    expect(await harness.apply(resource, updated.state, null)).toBeNull();
    expect(harness.last).toEqual([]);
    await expect(harness.deps.api.getConnectionConfiguration(state.id as string)).rejects.toThrow(/not found|does not exist/i);

    // AND deleting again (a retry whose first answer was lost) succeeds
    expect(await harness.apply(resource, updated.state, null)).toBeNull();
    expect(harness.last).toEqual([]);
  });

  test('a kubernetes configuration round-trips with no target and a null description', async () => {
    const { state } = await harness.converge(resource, null, config({ deployment_type: 'kubernetes', target: null, description: null }));
    expect(state).toMatchObject({ deployment_type: 'kubernetes', target: null, description: null });
    const renamed = await harness.converge(resource, state, config({ deployment_type: 'kubernetes', target: null, description: null, name: 'renamed' }));
    expect(renamed.state).toMatchObject({ name: 'renamed', target: null });
    await harness.apply(resource, renamed.state, null);
  });

  test('a configuration deleted outside Terraform is removed from state on refresh', async () => {
    const { state } = await harness.converge(resource, null, config());
    const deleted = await signedRequest(harness.emulator, 'DELETE', `/protector/v1/connection-configurations/${state!.id as string}`);
    expect(deleted.status).toBeLessThan(300);
    expect(await harness.read(resource, state!)).toBeNull();
    expect(harness.last).toEqual([]);
  });

  test('refresh picks up a change made outside Terraform', async () => {
    const { state } = await harness.converge(resource, null, config());
    await harness.deps.api.updateConnectionConfiguration(state!.id as string, { name: 'renamed-by-hand' });
    expect(await harness.read(resource, state!)).toEqual({ ...state, name: 'renamed-by-hand' });
    await harness.apply(resource, state, null);
  });

  test('import by id gives the same state as create', async () => {
    const { state } = await harness.converge(resource, null, config());
    expect(await harness.import(resource, state!.id as string)).toEqual(state);
    await harness.apply(resource, state, null);
  });

  test('import of a malformed id says which format is expected', async () => {
    expect(await harness.import(resource, 'my-config')).toBeNull();
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Unexpected Import Identifier' })]);
    expect(harness.last[0]!.detail).toMatch(/Expected a connection configuration id such as "ccfg_8h2k4m9x1q", got "my-config"/);
  });

  test('import of an id that does not exist fails clearly', async () => {
    expect(await harness.import(resource, 'ccfg_doesnotexist00')).toBeNull();
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Cannot Import Non-Existent Remote Object' })]);
  });
});
