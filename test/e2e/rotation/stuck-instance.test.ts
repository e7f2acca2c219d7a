/**
 * A stuck instance (one that never re-reads its token file): the rotation's apply fails after
 * `drain_timeout` naming it, the old token stays active so nobody loses authentication, and once
 * the instance is restarted on the new file the next apply completes the revoke.
 */
import { createRotationWorld, expectApplied, startInstance, stopAll, waitUntilOnToken, type RotationWorld, type RunningInstance } from './harness';

jest.setTimeout(240_000);

let world: RotationWorld;
const running: RunningInstance[] = [];

beforeAll(async () => {
  world = await createRotationWorld({ hosts: 3, drainTimeout: '4s' });
});

afterAll(async () => {
  await stopAll(running);
  await world?.close();
});

test('the drain times out naming the stuck instance; the old token stays active; the next apply finishes after a restart', async () => {
  // GIVEN two healthy instances and one that never re-reads its file, all on the first token
  expectApplied(await world.apply(0));
  const old = await world.outputs();
  const healthy = [startInstance(world.emulator.url, 'healthy-a', world.tokenFile(0)), startInstance(world.emulator.url, 'healthy-b', world.tokenFile(1))];
  const stuck = startInstance(world.emulator.url, 'stuck-vm-7', world.tokenFile(2), { follow: false });
  running.push(...healthy, stuck);
  await waitUntilOnToken(world.client, old.configurationId, ['healthy-a', 'healthy-b', 'stuck-vm-7'], old.tokenId);

  // WHEN the token is rotated
  const started = Date.now();
  const failed = await world.apply(1);

  // THEN the apply fails after the drain timeout, naming the stuck instance and only it
  expect(failed.code).not.toBe(0);
  // Terraform wraps diagnostics: compare with whitespace collapsed.
  const error = (failed.stdout + failed.stderr).replace(/\s+/g, ' ').split('Error: Drain Timeout')[1] ?? '';
  expect(error).toMatch(/these instances still authenticate with it: stuck-vm-7 \(/);
  expect(error).not.toMatch(/healthy-/);
  expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
  // AND the old token is still active next to the new one, which the healthy instances use
  const tokens = await world.client.listTokens(old.configurationId);
  expect(tokens.active.map((t) => t.tokenId)).toContain(old.tokenId);
  expect(tokens.active).toHaveLength(2);
  const next = tokens.active.find((t) => t.tokenId !== old.tokenId)!;
  await waitUntilOnToken(world.client, old.configurationId, ['healthy-a', 'healthy-b'], next.tokenId);
  const { instances } = await world.client.listInstances(old.configurationId);
  expect(instances.find((i) => i.instanceId === 'stuck-vm-7')).toMatchObject({ tokenId: old.tokenId, status: 'GOOD' });

  // WHEN the stuck instance is restarted (it reads the new file) and terraform applies again
  const stuckSummary = await stuck.stop();
  running.splice(running.indexOf(stuck), 1);
  const restarted = startInstance(world.emulator.url, 'stuck-vm-7', world.tokenFile(2));
  running.push(restarted);
  await waitUntilOnToken(world.client, old.configurationId, ['stuck-vm-7'], next.tokenId);
  expectApplied(await world.apply(1));

  // THEN the old token is revoked, exactly one token is active, and the state names it
  const after = await world.client.listTokens(old.configurationId);
  expect(after.active.map((t) => t.tokenId)).toEqual([next.tokenId]);
  expect(after.revoked.map((t) => t.tokenId)).toContain(old.tokenId);
  expect((await world.outputs()).tokenId).toBe(next.tokenId);

  // AND no instance ever lost authentication
  const summaries = [stuckSummary, ...(await Promise.all(running.splice(0).map((instance) => instance.stop())))];
  expect(summaries.map((s) => [s.id, s.authFailures])).toEqual([
    ['stuck-vm-7', 0],
    ['healthy-a', 0],
    ['healthy-b', 0],
    ['stuck-vm-7', 0],
  ]);
  expect(stuckSummary.tokensUsed).toEqual([old.fingerprint]);
  const events = await world.activity(old.configurationId);
  expect(events.filter((e) => e.type === 'AUTHENTICATION_FAILED')).toEqual([]);
});
