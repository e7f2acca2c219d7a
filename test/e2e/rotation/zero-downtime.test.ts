/**
 * Zero downtime: five instances on one configuration, three rotations in a row (keepers changes)
 * with the real terraform, provider, emulator and instance processes. No instance ever fails to
 * authenticate, each old token is revoked only after every instance heartbeated with its
 * successor, and one token is active at the end.
 */
import { createRotationWorld, expectApplied, startInstance, stopAll, waitUntilOnToken, type RotationWorld, type RunningInstance } from './harness';

jest.setTimeout(240_000);

const HOSTS = 5;
let world: RotationWorld;
const instances: RunningInstance[] = [];

beforeAll(async () => {
  world = await createRotationWorld({ hosts: HOSTS, drainTimeout: '60s' });
});

afterAll(async () => {
  await stopAll(instances);
  await world?.close();
});

test('three rotations in a row: 0 authentication failures, every revoke after all 5 instances moved, 1 active token', async () => {
  // GIVEN a deployed token and five instances heartbeating with it
  expectApplied(await world.apply(0));
  const first = await world.outputs();
  const ids = Array.from({ length: HOSTS }, (_, host) => `host-${host}`);
  ids.forEach((id, host) => instances.push(startInstance(world.emulator.url, id, world.tokenFile(host))));
  await waitUntilOnToken(world.client, first.configurationId, ids, first.tokenId);

  // WHEN the token is rotated three times (keepers changes), one apply each
  const tokens = [first];
  for (const generation of [1, 2, 3]) {
    expectApplied(await world.apply(generation));
    tokens.push(await world.outputs());
  }
  await waitUntilOnToken(world.client, first.configurationId, ids, tokens[3]!.tokenId);
  const summaries = await Promise.all(instances.splice(0).map((instance) => instance.stop()));

  // THEN four distinct tokens, and no instance ever failed to authenticate
  expect(new Set(tokens.map((t) => t.tokenId)).size).toBe(4);
  for (const summary of summaries) {
    expect(summary).toMatchObject({ authFailures: 0 });
    expect(summary.heartbeats).toBeGreaterThan(0);
    expect(summary.tokensUsed).toEqual(tokens.map((t) => t.fingerprint));
  }
  const events = await world.activity(first.configurationId);
  expect(events.filter((e) => e.type === 'AUTHENTICATION_FAILED')).toEqual([]);

  // AND each old token was revoked only after every instance's first heartbeat with its successor
  for (let rotation = 0; rotation < 3; rotation++) {
    const [old, next] = [tokens[rotation]!, tokens[rotation + 1]!];
    const revoked = events.filter((e) => e.type === 'TOKEN_REVOKED' && e.tokenId === old.tokenId);
    expect(revoked).toHaveLength(1);
    for (const id of ids) {
      const moved = events.find((e) => e.type === 'INSTANCE_TOKEN_CHANGED' && e.instanceId === id && e.tokenId === next.tokenId);
      expect({ id, rotation, moved: moved !== undefined }).toEqual({ id, rotation, moved: true });
      expect(Date.parse(moved!.at)).toBeLessThanOrEqual(Date.parse(revoked[0]!.at));
      // ...and the event order agrees with the timestamps.
      expect(events.indexOf(moved!)).toBeLessThan(events.indexOf(revoked[0]!));
    }
  }

  // AND exactly one token is active: the last one
  const list = await world.client.listTokens(first.configurationId);
  expect(list.active.map((t) => t.tokenId)).toEqual([tokens[3]!.tokenId]);
});
