/**
 * protector_token keeps no value in state unless `store_value = true`; turning it on or off is an
 * in-place update; a state from schema version 0 (which always held the value) loses it on
 * upgrade, with a warning that says so.
 */
import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { tokenResource as resource } from '../../../../src/provider/resources/token';
import { upgradeResourceState } from '../../../../src/provider/framework/upgrade';
import { DiagnosticsCollector } from '../../../../src/provider/framework/diagnostics';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { expectNoErrors, startHarness, type Harness } from './harness';

let harness: Harness;
/** Each test gets its own configuration: a configuration holds at most 2 active tokens. */
let configId: string;
beforeAll(async () => {
  harness = await startHarness();
});
beforeEach(async () => {
  const configuration = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: `store-value-${Math.random().toString(36).slice(2, 8)}`,
    description: null,
    deployment_type: 'kubernetes',
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  configId = configuration.state!.id as string;
});
afterAll(async () => {
  await harness.close();
});

const config = (overrides: Partial<Model> = {}): Model => ({
  id: null,
  connection_configuration_id: configId,
  rotation_period: null,
  keepers: { k: '1' },
  drain_timeout: null,
  require_drain: false,
  store_value: null,
  value: null,
  fingerprint: null,
  created_at: null,
  rotate_after: null,
  ...overrides,
});
const valueOf = async (state: Model) => (await harness.deps.api.getTokenValue(configId, state.id as string)).value;

test('by default the plan and the state hold no value, and a second plan changes nothing', async () => {
  const { state, plan } = await harness.converge(resource, null, config());
  expect(plan.planned).toMatchObject({ store_value: false, value: null, id: Unknown });
  expect(state).toMatchObject({ store_value: false, value: null });
  expect(JSON.stringify(state)).not.toContain(await valueOf(state!));
  const refreshed = await harness.read(resource, state!);
  expect((await harness.plan(resource, refreshed, config())).planned).toEqual(state);
});

test('turning store_value on reads the value in place; turning it off drops it in place', async () => {
  const { state } = await harness.converge(resource, null, config({ keepers: { k: '2' } }));
  const value = await valueOf(state!);

  const on = await harness.converge(resource, state, config({ keepers: { k: '2' }, store_value: true }));
  expect(on.plan.requiresReplace).toEqual([]);
  expect(on.plan.planned).toMatchObject({ id: state!.id, value: Unknown });
  expect(on.state).toMatchObject({ id: state!.id, store_value: true, value });
  expect((await harness.plan(resource, on.state, config({ keepers: { k: '2' }, store_value: true }))).planned).toEqual(on.state);

  const off = await harness.converge(resource, on.state, config({ keepers: { k: '2' }, store_value: false }));
  expect(off.plan.requiresReplace).toEqual([]);
  expect(off.state).toMatchObject({ id: state!.id, store_value: false, value: null });
  expect(harness.everythingSaid()).not.toContain(value);
});

test('a rotation with store_value on stores the new value; without it, none', async () => {
  const { state } = await harness.converge(resource, null, config({ keepers: { k: '3' }, store_value: true }));
  const rotated = await harness.plan(resource, state, config({ keepers: { k: '4' }, store_value: true }));
  expect(rotated.planned).toMatchObject({ id: Unknown, value: Unknown });
  const created = await harness.apply(resource, null, { ...rotated.planned!, id: Unknown });
  expectNoErrors(harness.last);
  expect(created!.value).toBe(await valueOf(created!));
  expect(created!.value).not.toBe(state!.value);

  const plain = await harness.plan(resource, created, config({ keepers: { k: '5' } }));
  expect(plain.planned).toMatchObject({ id: Unknown, value: null });
});

describe('upgrade from schema version 0', () => {
  const upgrade = (version: number, stored: Record<string, unknown>) => {
    const diagnostics = new DiagnosticsCollector();
    const logs: string[] = [];
    const log = { trace: () => undefined, debug: () => undefined, info: (m: string) => void logs.push(m), warn: () => undefined, error: () => undefined };
    return { state: upgradeResourceState(resource, version, stored, { diagnostics, log }), diagnostics: diagnostics.items, logs };
  };
  const VALUE = 'aap_old-state-value-0123456789abcdefghijklmnop';
  const v0 = {
    id: 'tok_0123456789',
    connection_configuration_id: 'ccfg_0123456789',
    rotation_period: '90d',
    keepers: null,
    drain_timeout: '10m',
    require_drain: true,
    value: VALUE,
    fingerprint: 'sha256:0123456789ab',
    created_at: '2026-01-01T00:00:00.000Z',
    rotate_after: '2026-04-01T00:00:00.000Z',
  };

  test('drops the stored value, sets store_value false, and warns without the value', () => {
    const { state, diagnostics } = upgrade(0, v0);
    expect(state).toEqual({ ...v0, value: null, store_value: false });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Token Value Removed From State' })]);
    expect(diagnostics[0]!.detail).toContain('tok_0123456789 (sha256:0123456789ab)');
    expect(diagnostics[0]!.detail).toContain('store_value = true');
    expect(JSON.stringify(diagnostics)).not.toContain(VALUE);
  });

  test('a current state is read as it is, without a warning', () => {
    const current = { ...v0, store_value: true };
    const { state, diagnostics } = upgrade(1, current);
    expect(state).toEqual(current);
    expect(diagnostics).toEqual([]);
  });
});
