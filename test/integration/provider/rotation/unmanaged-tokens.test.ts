/**
 * Two Terraform states on one connection configuration (issue 12): the plan warns about the
 * active token this resource does not manage, by id and fingerprint, instead of the next
 * rotation failing at the 2-token cap in the middle of an apply.
 */
import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { tokenResource as resource } from '../../../../src/provider/resources/token';
import type { Model } from '../../../../src/provider/framework/types';
import { sendHeartbeat } from '../../../helpers/emulator';
import { expectNoErrors, fakeTime, startHarness, type Harness } from '../resources/harness';

const time = fakeTime();
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({}, { clock: time.clock, sleep: time.sleep });
});
afterAll(async () => {
  await harness.close();
});

const WARNING = 'Active Token Not Managed By This Resource';

async function newConfiguration(): Promise<string> {
  const { state } = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: `cfg-${Math.random().toString(36).slice(2, 8)}`,
    description: null,
    deployment_type: 'reverse_proxy',
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  return state!.id as string;
}

function tokenConfig(configId: string, keepers: Record<string, string> | null = null): Model {
  const empty = { id: null, value: null, fingerprint: null, created_at: null, rotate_after: null };
  // store_value: these tests read the value from state to play instances.
  return { ...empty, connection_configuration_id: configId, rotation_period: '90d', keepers, drain_timeout: '1s', require_drain: null, store_value: true };
}

test('the state whose token is older is warned at every plan; the other one when it plans a rotation', async () => {
  // GIVEN two states, each with a protector_token of the same configuration
  const configId = await newConfiguration();
  const { state: first } = await harness.converge(resource, null, tokenConfig(configId));
  time.advance(1000);
  const { state: second } = await harness.converge(resource, null, tokenConfig(configId));

  // WHEN the first state plans with no change
  await harness.plan(resource, first, tokenConfig(configId));
  // THEN it names the other token by id and fingerprint, and says what to do
  expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: WARNING })]);
  const detail = harness.last[0]!.detail;
  expect(detail).toContain(`another active token, ${second!.id as string} (${second!.fingerprint as string}`);
  expect(detail).toMatch(/next rotation of either token needs a third slot/);
  expect(detail).toMatch(/another Terraform state manages a protector_token of this configuration/);
  expect(harness.everythingSaid()).not.toContain(second!.value as string);

  // AND the second state, planning a rotation, is told the apply will fail at the cap
  await harness.plan(resource, second, tokenConfig(configId, { v: '2' }));
  expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: WARNING })]);
  expect(harness.last[0]!.detail).toContain(`${first!.id as string} (${first!.fingerprint as string}`);
  expect(harness.last[0]!.detail).toMatch(/This plan rotates the token.*the apply will fail at the 2-token cap/);
});

test("no warning for the initial token, nor for this resource's own previous token left by a drain timeout", async () => {
  const configId = await newConfiguration();
  const { state: old } = await harness.converge(resource, null, tokenConfig(configId));
  expect((await sendHeartbeat(harness.emulator, old!.value as string, { instanceId: 'vm-stuck', deploymentType: 'REVERSE_PROXY', version: '1' })).status).toBe(200);
  time.advance(1000);
  // A rotation whose drain times out: the old token stays active (the deposed object).
  const { state: fresh } = await harness.converge(resource, null, tokenConfig(configId, { v: '2' }));
  harness.deleteReason = 'replace';
  await harness.apply(resource, old, null);
  harness.deleteReason = undefined;
  expect(harness.last).toEqual([expect.objectContaining({ summary: 'Drain Timeout' })]);

  await harness.plan(resource, fresh, tokenConfig(configId, { v: '2' }));
  expectNoErrors(harness.last);
  expect(harness.last.filter((d) => d.summary === WARNING)).toEqual([]);
});

async function getsDuring(body: () => Promise<unknown>): Promise<number> {
  const before = (await harness.emulator.control.stats()).productRequestsByMethod.GET ?? 0;
  await body();
  return ((await harness.emulator.control.stats()).productRequestsByMethod.GET ?? 0) - before;
}

test('a refresh followed by the plan of the same token reads the API once, and the plan still warns', async () => {
  // GIVEN two states on one configuration (the first one's plan warns about the second's token)
  const configId = await newConfiguration();
  const { state: first } = await harness.converge(resource, null, tokenConfig(configId));
  time.advance(1000);
  const { state: second } = await harness.converge(resource, null, tokenConfig(configId));

  // WHEN Terraform refreshes the first token and plans it, as a plan does
  let refreshed: Model | null = null;
  const gets = await getsDuring(async () => {
    refreshed = await harness.read(resource, first!);
    await harness.plan(resource, refreshed, tokenConfig(configId));
  });

  // THEN the plan took the refresh's token list: one read (this process created the configuration,
  // so the initial token the warning leaves out is known without the activity log)
  expect(refreshed).toMatchObject({ id: first!.id, fingerprint: first!.fingerprint });
  expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: WARNING })]);
  expect(harness.last[0]!.detail).toContain(`another active token, ${second!.id as string}`);
  expect(gets).toBe(1);

  // AND a list serves one plan only: planning again without a refresh reads afresh
  expect(await getsDuring(() => harness.plan(resource, refreshed, tokenConfig(configId)))).toBe(1);
});

test('a no-op refresh and plan of a token alone on its configuration is one read', async () => {
  const configId = await newConfiguration();
  const { state } = await harness.converge(resource, null, tokenConfig(configId));
  const gets = await getsDuring(async () => {
    const refreshed = await harness.read(resource, state!);
    await harness.plan(resource, refreshed, tokenConfig(configId));
  });
  expectNoErrors(harness.last);
  expect(harness.last).toEqual([]);
  expect(gets).toBe(1);
});

test('the first token of a configuration created by the same process does not read the activity log for the initial token', async () => {
  const configId = await newConfiguration();
  // Create reads the token list and the instances (before retiring the initial token), not the activity log.
  const gets = await getsDuring(() => harness.converge(resource, null, tokenConfig(configId)));
  expect(gets).toBe(2);
  // And the initial token was retired as before: one active token, ours.
  const { active } = await harness.deps.api.listTokens(configId);
  expect(active).toHaveLength(1);
});
