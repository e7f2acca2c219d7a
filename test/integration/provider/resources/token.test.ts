/**
 * protector_token's rotation semantics, driven through the framework's plan/apply semantics
 * against the in-process emulator, with an injected clock (rotation, drain) instead of sleeping.
 */
import { connectionConfigurationResource } from '../../../../src/provider/resources/connection-configuration';
import { idempotencyKeyFor } from '../../../../src/provider/rotation/generate';
import { tokenResource as resource } from '../../../../src/provider/resources/token';
import { Unknown, type Model } from '../../../../src/provider/framework/types';
import { sendHeartbeat } from '../../../helpers/emulator';
import { expectNoErrors, fakeTime, startHarness, type Harness } from './harness';

const time = fakeTime();
const oneLine = (text: string) => text.replace(/\s+/g, ' ');
let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({}, { clock: time.clock, sleep: time.sleep });
});
afterAll(async () => {
  await harness.close();
});
beforeEach(() => {
  time.onSleep = undefined;
  harness.deleteReason = undefined;
  harness.restart();
});

async function newConfiguration(deploymentType = 'kubernetes'): Promise<string> {
  const { state } = await harness.converge(connectionConfigurationResource, null, {
    id: null,
    created_at: null,
    name: `cfg-${Math.random().toString(36).slice(2, 8)}`,
    description: null,
    deployment_type: deploymentType,
    contract_id: 'ctr_1',
    group_id: 'grp_1',
    target: null,
  });
  return state!.id as string;
}

function tokenConfig(configId: string, overrides: Partial<Model> = {}): Model {
  return {
    id: null,
    connection_configuration_id: configId,
    rotation_period: '90d',
    keepers: null,
    drain_timeout: null,
    require_drain: null,
    // These tests read the value from state to play instances: they opt in (the default stores none).
    store_value: true,
    value: null,
    fingerprint: null,
    created_at: null,
    rotate_after: null,
    ...overrides,
  };
}

async function activeIds(configId: string): Promise<string[]> {
  return (await harness.deps.api.listTokens(configId)).active.map((t) => t.tokenId);
}

/** A create_before_destroy replacement as Terraform runs it: plan, create the new one, delete the old one. */
async function rotate(prior: Model, config: Model): Promise<Model> {
  const plan = await harness.plan(resource, prior, config);
  expectNoErrors(harness.last);
  expect(plan.requiresReplace.length).toBeGreaterThan(0);
  const fresh = await harness.converge(resource, null, config);
  harness.deleteReason = 'replace';
  const deleted = await harness.apply(resource, prior, null);
  harness.deleteReason = undefined;
  expectNoErrors(harness.last);
  expect(deleted).toBeNull();
  expect(fresh.state!.id).not.toBe(prior.id);
  return fresh.state!;
}

/** The create half of a replacement of `old` (Terraform does not tell the create what it replaces). */
async function successorOf(_old: Model, config: Model): Promise<Model> {
  return (await harness.converge(resource, null, config)).state!;
}

/** The same, when the create is expected to fail: its diagnostics are in harness.last. */
async function failedSuccessorOf(_old: Model, config: Model): Promise<void> {
  const { planned } = await harness.plan(resource, null, config);
  expect(await harness.apply(resource, null, planned)).toBeNull();
}

function heartbeat(value: string, instanceId: string) {
  return sendHeartbeat(harness.emulator, value, { instanceId, deploymentType: 'KUBERNETES', version: '1.0.0' });
}

describe('validation', () => {
  test('a rotation period over 365 days is an error on rotation_period', () => {
    const items = harness.validate(resource, tokenConfig('ccfg_0000000000', { rotation_period: '400d' }));
    expect(items).toEqual([expect.objectContaining({ severity: 'error', path: ['rotation_period'] })]);
    expect(items[0]!.detail).toMatch(/expected at most 365 days.*got "400d"/);
  });

  test('a rotation period over 182 days is a warning recommending twice a year', () => {
    const items = harness.validate(resource, tokenConfig('ccfg_0000000000', { rotation_period: '200d' }));
    expect(items).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Rotation Period Longer Than Recommended', path: ['rotation_period'] })]);
  });

  test.each([
    ['rotation_period', '3 months', /expected a duration such as "30s".*got "3 months"/],
    ['drain_timeout', '2d', /expected at most "24h", got "2d"/],
    ['connection_configuration_id', 'abc', /expected a connection configuration id/],
  ])('%s = %p is rejected with expected-vs-got', (name, value, message) => {
    const items = harness.validate(resource, tokenConfig('ccfg_0000000000', { [name]: value }));
    expect(items).toEqual([expect.objectContaining({ severity: 'error', path: [name] })]);
    expect(items[0]!.detail).toMatch(message);
  });
});

describe('first token of a configuration', () => {
  test('takes over from the initial token: exactly one active token, the managed one, and no value in any log', async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);

    const { state, plan } = await harness.converge(resource, null, tokenConfig(configId));
    expect(plan.planned).toMatchObject({ id: Unknown, value: Unknown, drain_timeout: '10m', require_drain: true });
    expect(await activeIds(configId)).toEqual([state!.id]);
    expect(state!.id).not.toBe(initial);
    const tokens = await harness.deps.api.listTokens(configId);
    expect(tokens.revoked).toEqual([expect.objectContaining({ tokenId: initial, revokeReason: 'MANUAL' })]);

    const { value } = await harness.deps.api.getTokenValue(configId, state!.id as string);
    expect(state).toMatchObject({ value, fingerprint: tokens.active[0]!.fingerprint, created_at: tokens.active[0]!.createdAt });
    expect(state!.rotate_after).toBe(new Date(Date.parse(state!.created_at as string) + 90 * 86_400_000).toISOString());
    expect(harness.everythingSaid()).not.toContain(value);

    // A plan right after apply changes nothing.
    const noop = await harness.plan(resource, state, tokenConfig(configId));
    expect(noop.planned).toEqual(state);
    expect(noop.requiresReplace).toEqual([]);
  });

  test('takes over in 5 API calls: tokens and activity read once each, then generate, instances, revoke', async () => {
    // GIVEN a configuration with its initial token, created by another process (another apply)
    const configId = await newConfiguration();
    harness.deps.initialTokenIds.clear();
    const before = (await harness.emulator.control.stats()).productRequestsByMethod;

    // WHEN the first token is created
    const { state } = await harness.converge(resource, null, tokenConfig(configId));

    // THEN no read is repeated (issue 15: the token list used to be read again after generating)
    expectNoErrors(harness.last);
    const after = (await harness.emulator.control.stats()).productRequestsByMethod;
    expect({ GET: (after.GET ?? 0) - (before.GET ?? 0), POST: (after.POST ?? 0) - (before.POST ?? 0) }).toEqual({ GET: 3, POST: 2 });
    expect(await activeIds(configId)).toEqual([state!.id]);
  });

  test('takes over in 4 API calls when the same process created the configuration: its answer named the initial token', async () => {
    const configId = await newConfiguration();
    const before = (await harness.emulator.control.stats()).productRequestsByMethod;

    const { state } = await harness.converge(resource, null, tokenConfig(configId));

    expectNoErrors(harness.last);
    const after = (await harness.emulator.control.stats()).productRequestsByMethod;
    expect({ GET: (after.GET ?? 0) - (before.GET ?? 0), POST: (after.POST ?? 0) - (before.POST ?? 0) }).toEqual({ GET: 2, POST: 2 });
    expect(await activeIds(configId)).toEqual([state!.id]);
  });

  test('leaves the initial token active, with a warning, while an instance still uses it', async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);
    const { value } = await harness.deps.api.getTokenValue(configId, initial!);
    expect((await heartbeat(value, 'copied-by-hand')).status).toBe(200);

    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    expect(await activeIds(configId)).toEqual([initial, state!.id]);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Initial Token Still In Use' })]);
    expect(harness.last[0]!.detail).toContain('copied-by-hand');
  });

  test('an initial token still in use at the next rotation: the cap error names its users; once they moved, the rotation revokes it', async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);
    const { value: initialValue } = await harness.deps.api.getTokenValue(configId, initial!);
    expect((await heartbeat(initialValue, 'hand-made')).status).toBe(200);
    const { state } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { v: '1' } }));

    const next = tokenConfig(configId, { keepers: { v: '2' } });
    await failedSuccessorOf(state!, next);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Token Cap Reached' })]);
    expect(oneLine(harness.last[0]!.detail)).toMatch(new RegExp(`${initial} is the token generated with the configuration.*still used by hand-made`));
    expect(await activeIds(configId)).toEqual([initial, state!.id]);

    // Moved by hand to the managed token: the next rotation revokes the initial token first.
    await heartbeat(state!.value as string, 'hand-made');
    const fresh = await successorOf(state!, next);
    expect(await activeIds(configId)).toEqual([state!.id, fresh.id]);
    await heartbeat(fresh.value as string, 'hand-made');
    harness.deleteReason = 'replace';
    expect(await harness.apply(resource, state, null)).toBeNull();
    expectNoErrors(harness.last);
    expect(await activeIds(configId)).toEqual([fresh.id]);
  });

  test('the initial token is never reported as revoked when it already was', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    await harness.deps.api.generateToken(configId);
    harness.logs.length = 0;
    await failedSuccessorOf(state!, tokenConfig(configId, { keepers: { v: '2' } }));
    expect(harness.last).toEqual([expect.objectContaining({ summary: 'Token Cap Reached' })]);
    expect(harness.logs.map((l) => l.message)).not.toContain('revoked the unused initial token');
    expect((await activeIds(configId))[0]).toBe(state!.id);
  });
});

describe('rotation of an imported initial token', () => {
  test('the new token is generated, and the delete that follows drains and revokes the initial token', async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);
    const imported = (await harness.import(resource, `${configId}/${initial}`))!;
    const { value } = await harness.deps.api.getTokenValue(configId, initial!);
    expect((await heartbeat(value, 'brownfield')).status).toBe(200);

    const fresh = await successorOf(imported, tokenConfig(configId, { keepers: { v: '1' } }));
    expect(harness.last).toEqual([expect.objectContaining({ summary: 'Initial Token Still In Use' })]);
    expect(oneLine(harness.last[0]!.detail)).toContain(`If this apply replaces a protector_token that imported ${initial}, nothing more to do`);
    await heartbeat(fresh.value as string, 'brownfield');
    harness.deleteReason = 'replace';
    expect(await harness.apply(resource, imported, null)).toBeNull();
    expectNoErrors(harness.last);
    expect(await activeIds(configId)).toEqual([fresh.id]);
  });
});

describe('rotation', () => {
  test('by time: due after rotation_period, planned as a replacement forced by rotate_after', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId, { rotation_period: '30s' }));
    time.nowMs = Date.parse(state!.created_at as string); // earlier drains moved the fake clock on

    time.advance(10_000);
    expect((await harness.plan(resource, state, tokenConfig(configId, { rotation_period: '30s' }))).requiresReplace).toEqual([]);

    time.advance(25_000);
    const due = await harness.plan(resource, state, tokenConfig(configId, { rotation_period: '30s' }));
    expect(due.requiresReplace).toEqual([['rotate_after']]);
    expect(due.planned).toMatchObject({ rotate_after: Unknown, id: Unknown, value: Unknown, fingerprint: Unknown });

    const rotated = await rotate(state!, tokenConfig(configId, { rotation_period: '30s' }));
    expect(await activeIds(configId)).toEqual([rotated.id]);
    expect(rotated.value).not.toBe(state!.value);
  });

  test('a rotation_period change moves rotate_after in place, or replaces when it makes the token due', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId, { rotation_period: '90d' }));

    const longer = await harness.converge(resource, state, tokenConfig(configId, { rotation_period: '120d' }));
    expect(longer.plan.requiresReplace).toEqual([]);
    expect(longer.state).toMatchObject({ id: state!.id, value: state!.value });
    expect(longer.state!.rotate_after).toBe(new Date(Date.parse(state!.created_at as string) + 120 * 86_400_000).toISOString());

    time.advance(60_000);
    const shorter = await harness.plan(resource, longer.state, tokenConfig(configId, { rotation_period: '1m' }));
    expect(shorter.requiresReplace).toEqual([['rotate_after']]);
  });

  test('by keepers: a change replaces at once', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { reason: 'initial' } }));
    const plan = await harness.plan(resource, state, tokenConfig(configId, { keepers: { reason: 'leak-2026-12' } }));
    expect(plan.requiresReplace).toEqual([['keepers']]);
    const rotated = await rotate(state!, tokenConfig(configId, { keepers: { reason: 'leak-2026-12' } }));
    expect(await activeIds(configId)).toEqual([rotated.id]);
  });
});

describe('drain before revoke', () => {
  test('the revoke waits until the instance moved to the new token, logging progress', async () => {
    const configId = await newConfiguration();
    const { state: old } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { v: '1' } }));
    expect((await heartbeat(old!.value as string, 'node-a')).status).toBe(200);
    const fresh = await successorOf(old!, tokenConfig(configId, { keepers: { v: '2' } }));

    // The instance picks up the new token on the third poll.
    const sleepsBefore = time.sleeps;
    time.onSleep = async () => {
      if (time.sleeps - sleepsBefore === 3) await heartbeat(fresh.value as string, 'node-a');
    };
    expect(await harness.apply(resource, old, null)).toBeNull();
    expectNoErrors(harness.last);
    expect(time.sleeps - sleepsBefore).toBe(3);
    expect(await activeIds(configId)).toEqual([fresh.id]);
    expect(harness.logs.some((l) => l.message.startsWith('waiting for instances to move off the old token') && l.fields?.instances === 'node-a')).toBe(true);
  });

  test('on timeout it fails naming the instances, keeps the old token, and the next apply completes', async () => {
    const configId = await newConfiguration();
    const { state: old } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { v: '1' }, drain_timeout: '5s' }));
    expect((await heartbeat(old!.value as string, 'stuck-node')).status).toBe(200);
    const fresh = await successorOf(old!, tokenConfig(configId, { keepers: { v: '2' }, drain_timeout: '5s' }));

    const kept = await harness.apply(resource, old, null);
    expect(kept).toEqual(old);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Drain Timeout' })]);
    expect(harness.last[0]!.detail).toMatch(/still authenticate with it: stuck-node \(version 1\.0\.0/);
    expect(harness.last[0]!.detail).toMatch(/old token stays active.*run terraform apply again/);
    expect(await activeIds(configId)).toEqual([old!.id, fresh.id]);

    await heartbeat(fresh.value as string, 'stuck-node');
    expect(await harness.apply(resource, old, null)).toBeNull();
    expectNoErrors(harness.last);
    expect(await activeIds(configId)).toEqual([fresh.id]);
  });

  test('StopProvider (Ctrl-C) during the wait: a clear error, the old token stays active, the next apply completes', async () => {
    const configId = await newConfiguration();
    const { state: old } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { v: '1' } }));
    expect((await heartbeat(old!.value as string, 'node-c')).status).toBe(200);
    const fresh = await successorOf(old!, tokenConfig(configId, { keepers: { v: '2' } }));

    time.onSleep = () => {
      if (time.sleeps % 2 === 0) harness.stop();
    };
    expect(await harness.apply(resource, old, null)).toEqual(old);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Drain Cancelled' })]);
    expect(harness.last[0]!.detail).toMatch(new RegExp(`Token ${old!.id as string} .*was not revoked.*node-c.*stays active.*terraform apply again`));
    expect(await activeIds(configId)).toEqual([old!.id, fresh.id]);

    harness.restart();
    time.onSleep = undefined;
    await heartbeat(fresh.value as string, 'node-c');
    expect(await harness.apply(resource, old, null)).toBeNull();
    expectNoErrors(harness.last);
    expect(await activeIds(configId)).toEqual([fresh.id]);
  });

  test('require_drain = false revokes at once', async () => {
    const configId = await newConfiguration();
    const { state: old } = await harness.converge(resource, null, tokenConfig(configId, { keepers: { v: '1' }, require_drain: false }));
    await heartbeat(old!.value as string, 'node-x');
    const fresh = await successorOf(old!, tokenConfig(configId, { keepers: { v: '2' } }));
    const sleepsBefore = time.sleeps;
    expect(await harness.apply(resource, old, null)).toBeNull();
    expect(time.sleeps).toBe(sleepsBefore);
    expect(await activeIds(configId)).toEqual([fresh.id]);
  });
});

describe('the 2-token cap', () => {
  test('a rotation that needs a third token fails listing both active tokens and how to proceed', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    const other = await harness.deps.api.generateToken(configId);

    await failedSuccessorOf(state!, tokenConfig(configId, { keepers: { v: '2' } }));
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Token Cap Reached' })]);
    const detail = harness.last[0]!.detail;
    expect(detail).toContain(`${state!.id as string} (${state!.fingerprint as string}`);
    expect(detail).toContain(`${other.tokenId} (${other.fingerprint}`);
    expect(detail).toMatch(/never revokes a token it does not manage/);
    expect(detail).toMatch(/terraform import protector_token\.NAME/);
    expect(await activeIds(configId)).toEqual([state!.id, other.tokenId]);
  });
});

describe('crash safety', () => {
  test('a key that replays the token being replaced (an unmanaged older token holds the first slot) gets no reuse: the cap error', async () => {
    // The managed token was re-created after drift while a spare token was active, so it was
    // generated under the key that follows the spare; the next rotation computes that key again.
    const configId = await newConfiguration();
    const { state: first } = await harness.converge(resource, null, tokenConfig(configId));
    const spare = await harness.deps.api.generateToken(configId);
    await harness.deps.api.revokeToken(configId, first!.id as string);
    const { state: managed } = await harness.converge(resource, null, tokenConfig(configId));
    expect((await heartbeat(managed!.value as string, 'vm-1')).status).toBe(200);

    await failedSuccessorOf(managed!, tokenConfig(configId, { keepers: { v: '2' } }));
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Token Cap Reached' })]);
    expect(await activeIds(configId)).toEqual([spare.tokenId, managed!.id]);
  });

  test('a token generated by a run that died before saving state is adopted, not duplicated', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    // The crashed run: it generated the successor of the current token, then died.
    const orphan = await harness.deps.api.generateToken(configId, { idempotencyKey: idempotencyKeyFor(configId, state!.id as string, 0) });
    const generatedBefore = (await harness.emulator.control.stats()).tokensGenerated;

    const rotated = await rotate(state!, tokenConfig(configId, { keepers: { v: '2' } }));
    expect(rotated.id).toBe(orphan.tokenId);
    expect(rotated.value).toBe(orphan.value);
    expect((await harness.emulator.control.stats()).tokensGenerated).toBe(generatedBefore);
    expect(await activeIds(configId)).toEqual([orphan.tokenId]);
  });

  test("the first token too: the crashed run's token is adopted and the initial token revoked", async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);
    const orphan = await harness.deps.api.generateToken(configId, { idempotencyKey: idempotencyKeyFor(configId, initial, 0) });
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    expect(state!.id).toBe(orphan.tokenId);
    expect(await activeIds(configId)).toEqual([orphan.tokenId]);
  });
});

describe('drift', () => {
  test('a token revoked by hand is removed on refresh with a warning giving the reason', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    await harness.deps.api.generateToken(configId);
    await harness.deps.api.revokeToken(configId, state!.id as string);

    expect(await harness.read(resource, state!)).toBeNull();
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Token Revoked Outside Terraform' })]);
    expect(harness.last[0]!.detail).toMatch(/revoked by hand.*revoke reason MANUAL/);
  });

  test('license expiry: removed with the reason, and the next create starts over', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    await harness.emulator.control.expireLicense(configId);

    expect(await harness.read(resource, state!)).toBeNull();
    expect(harness.last[0]!.detail).toMatch(/license expired.*LICENSE_EXPIRED/);
    const { state: fresh } = await harness.converge(resource, null, tokenConfig(configId));
    expect(await activeIds(configId)).toEqual([fresh!.id]);
  });

  test('configuration deleted: removed with a warning', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    await harness.deps.api.deleteConnectionConfiguration(configId);
    expect(await harness.read(resource, state!)).toBeNull();
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning' })]);
  });
});

describe('destroy', () => {
  test('of the only active token warns at plan and apply, and leaves it active', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    await harness.plan(resource, state, null);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Only Active Token Stays Active' })]);

    harness.deleteReason = 'destroy';
    expect(await harness.apply(resource, state, null)).toBeNull();
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'warning', summary: 'Only Active Token Stays Active' })]);
    expect(await activeIds(configId)).toEqual([state!.id]);
  });

  test('a replacement without create_before_destroy fails and says to set it', async () => {
    const configId = await newConfiguration();
    const { state } = await harness.converge(resource, null, tokenConfig(configId));
    harness.deleteReason = 'replace';
    expect(await harness.apply(resource, state, null)).toEqual(state);
    expect(harness.last).toEqual([expect.objectContaining({ severity: 'error', summary: 'Create Before Destroy Required' })]);
    expect(harness.last[0]!.detail).toContain('lifecycle { create_before_destroy = true }');
    expect(await activeIds(configId)).toEqual([state!.id]);
  });
});

describe('import', () => {
  test('by CONFIG_ID/TOKEN_ID, without the value; a config with store_value = true reads it in place', async () => {
    const configId = await newConfiguration();
    const [initial] = await activeIds(configId);
    const imported = await harness.import(resource, `${configId}/${initial}`);
    expectNoErrors(harness.last);
    const { value } = await harness.deps.api.getTokenValue(configId, initial!);
    expect(imported).toMatchObject({
      id: initial,
      connection_configuration_id: configId,
      store_value: false,
      value: null,
      rotation_period: null,
      drain_timeout: '10m',
      require_drain: true,
    });
    const { state, plan } = await harness.converge(resource, imported, tokenConfig(configId, { rotation_period: null }));
    expect(plan.requiresReplace).toEqual([]);
    expect(state).toMatchObject({ id: initial, store_value: true, value });
    expect(harness.everythingSaid()).not.toContain(value);
  });

  test('a malformed id names the expected format', async () => {
    expect(await harness.import(resource, 'tok_3n5p7r9t2v')).toBeNull();
    expect(harness.last[0]).toMatchObject({ summary: 'Unexpected Import Identifier' });
    expect(harness.last[0]!.detail).toMatch(/Expected CONFIG_ID\/TOKEN_ID/);
  });
});
