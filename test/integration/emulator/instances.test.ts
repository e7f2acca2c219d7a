/** Instance heartbeats (bearer token, no EdgeGrid), instance status, and the activity log. */
import { ActivityLogSchema, ApiPaths, HeartbeatResponseSchema, InstanceListSchema, ProblemTypes } from '../../../src/api/schemas';
import { sendHeartbeat, signedRequest, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, generateToken, REVERSE_PROXY_CONFIG, revokeToken } from './fixtures';

let now: number;
let emu: InProcessEmulator;
beforeEach(async () => {
  now = Date.parse('2026-12-01T10:00:00Z');
  emu = await startInProcessEmulator({ clock: () => now });
});
afterEach(async () => {
  await emu.close();
});

const heartbeat = { instanceId: 'pod-a', deploymentType: 'KUBERNETES', version: '1.4.2' } as const;

async function instancesOf(configId: string) {
  const res = await signedRequest(emu, 'GET', ApiPaths.instances(configId));
  expect(res.status).toBe(200);
  return InstanceListSchema.parse(res.body).instances;
}

async function activityOf(configId: string) {
  const res = await signedRequest(emu, 'GET', ApiPaths.activity(configId));
  expect(res.status).toBe(200);
  return ActivityLogSchema.parse(res.body).events;
}

test('a heartbeat with an active token answers its configuration and token, and records the instance', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;

  const res = await sendHeartbeat(emu, created.token.value, heartbeat);

  expect(res.status).toBe(200);
  expect(HeartbeatResponseSchema.parse(res.body)).toEqual({ connectionConfigurationId: id, tokenId: created.token.tokenId });
  expect(await instancesOf(id)).toEqual([
    {
      instanceId: 'pod-a',
      tokenId: created.token.tokenId,
      tokenFingerprint: created.token.fingerprint,
      version: '1.4.2',
      lastHeartbeatAt: '2026-12-01T10:00:00.000Z',
      status: 'GOOD',
    },
  ]);
});

test('an unknown token or none at all is 401 unauthorized', async () => {
  await createConfiguration(emu);
  expectProblem(await sendHeartbeat(emu, 'aap_not-a-real-token-value-000000000000000000', heartbeat), 401, ProblemTypes.unauthorized);
  const noToken = await fetch(`${emu.url}${ApiPaths.heartbeat()}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(heartbeat),
  });
  expect(noToken.status).toBe(401);
});

test('a revoked token is 401, and the failure is in the activity log (without the value)', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await generateToken(emu, id);
  await revokeToken(emu, id, created.token.tokenId);

  const res = await sendHeartbeat(emu, created.token.value, heartbeat);

  expectProblem(res, 401, ProblemTypes.unauthorized);
  expect(res.text).not.toContain(created.token.value);
  const failures = (await activityOf(id)).filter((e) => e.type === 'AUTHENTICATION_FAILED');
  expect(failures).toEqual([expect.objectContaining({ tokenId: created.token.tokenId, tokenFingerprint: created.token.fingerprint })]);
});

test('a token used by an instance of another deployment type is 403 deployment-type-mismatch', async () => {
  const proxy = await createConfiguration(emu, REVERSE_PROXY_CONFIG);

  const res = await sendHeartbeat(emu, proxy.token.value, { ...heartbeat, deploymentType: 'KUBERNETES' });

  expectProblem(res, 403, ProblemTypes.deploymentTypeMismatch);
  expect(await instancesOf(proxy.connectionConfiguration.connectionConfigurationId)).toEqual([]);
});

test('an invalid heartbeat body is a validation problem', async () => {
  const created = await createConfiguration(emu);
  const res = await sendHeartbeat(emu, created.token.value, { instanceId: 'pod a', deploymentType: 'KUBERNETES' });
  const problem = expectProblem(res, 400, ProblemTypes.validation);
  expect(problem.errors!.map((e) => e.path).sort()).toEqual(['instanceId', 'version']);
});

test('unknown body fields are named, except one long enough to be a token value (a misplaced secret)', async () => {
  const created = await createConfiguration(emu);
  const res = await sendHeartbeat(emu, created.token.value, { ...heartbeat, extra: true, [created.token.value]: true });
  const problem = expectProblem(res, 400, ProblemTypes.validation);
  expect(problem.errors!.map((e) => e.message).join('\n')).toMatch(/extra/);
  expect(res.text).not.toContain(created.token.value);
});

test('instance status: GOOD under 30 s, WARNING up to 5 min, PROBLEM after, or at once when its token is revoked', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await generateToken(emu, id);
  expect((await sendHeartbeat(emu, created.token.value, heartbeat)).status).toBe(200);
  expect((await sendHeartbeat(emu, second.value, { ...heartbeat, instanceId: 'pod-b' })).status).toBe(200);

  const statusAfter = async (ms: number) => {
    now += ms;
    return Object.fromEntries((await instancesOf(id)).map((i) => [i.instanceId, i.status]));
  };
  expect(await statusAfter(29_000)).toEqual({ 'pod-a': 'GOOD', 'pod-b': 'GOOD' });
  expect(await statusAfter(2_000)).toEqual({ 'pod-a': 'WARNING', 'pod-b': 'WARNING' });
  expect((await sendHeartbeat(emu, second.value, { ...heartbeat, instanceId: 'pod-b' })).status).toBe(200);
  expect(await statusAfter(0)).toEqual({ 'pod-a': 'WARNING', 'pod-b': 'GOOD' });
  expect(await statusAfter(5 * 60_000 - 31_000)).toEqual({ 'pod-a': 'PROBLEM', 'pod-b': 'WARNING' });

  await revokeToken(emu, id, second.tokenId);
  expect(await statusAfter(0)).toEqual({ 'pod-a': 'PROBLEM', 'pod-b': 'PROBLEM' });
});

test('the activity log records every change with reasons and never a token value', async () => {
  const created = await createConfiguration(emu, REVERSE_PROXY_CONFIG);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await signedRequest(emu, 'PATCH', ApiPaths.configuration(id), { name: 'renamed' });
  const second = await generateToken(emu, id);
  await sendHeartbeat(emu, second.value, { ...heartbeat, deploymentType: 'REVERSE_PROXY' });
  await sendHeartbeat(emu, second.value, { ...heartbeat, deploymentType: 'REVERSE_PROXY' });
  await revokeToken(emu, id, created.token.tokenId);
  await emu.control.expireLicense(id);
  await signedRequest(emu, 'DELETE', ApiPaths.configuration(id));

  const res = await signedRequest(emu, 'GET', ApiPaths.activity(id));
  const events = ActivityLogSchema.parse(res.body).events;
  expect(events.map((e) => [e.type, e.tokenId, e.revokeReason])).toEqual([
    ['CONFIGURATION_CREATED', undefined, undefined],
    ['TOKEN_GENERATED', created.token.tokenId, undefined],
    ['CONFIGURATION_UPDATED', undefined, undefined],
    ['TOKEN_GENERATED', second.tokenId, undefined],
    ['INSTANCE_FIRST_SEEN', second.tokenId, undefined],
    ['TOKEN_REVOKED', created.token.tokenId, 'MANUAL'],
    ['TOKEN_REVOKED', second.tokenId, 'LICENSE_EXPIRED'],
    ['CONFIGURATION_DELETED', undefined, undefined],
  ]);
  expect(res.text).not.toContain(created.token.value);
  expect(res.text).not.toContain(second.value);
});

test('an instance that moves to another token is recorded once, naming both fingerprints and never a value', async () => {
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await generateToken(emu, id);
  await sendHeartbeat(emu, created.token.value, heartbeat);
  await sendHeartbeat(emu, second.value, heartbeat);
  await sendHeartbeat(emu, second.value, heartbeat);

  const res = await signedRequest(emu, 'GET', ApiPaths.activity(id));
  const moves = ActivityLogSchema.parse(res.body).events.filter((e) => e.type === 'INSTANCE_TOKEN_CHANGED');
  expect(moves).toEqual([expect.objectContaining({ instanceId: 'pod-a', tokenId: second.tokenId, tokenFingerprint: second.fingerprint })]);
  expect(moves[0].detail).toContain(created.token.fingerprint);
  expect(res.text).not.toContain(created.token.value);
  expect(res.text).not.toContain(second.value);
});

test('license expiry revokes every active token with reason LICENSE_EXPIRED; new tokens can be generated after', async () => {
  const a = await createConfiguration(emu);
  const b = await createConfiguration(emu);
  const aId = a.connectionConfiguration.connectionConfigurationId;
  await generateToken(emu, aId);

  expect(await emu.control.expireLicense()).toBe(3);

  const token = await signedRequest(emu, 'GET', ApiPaths.token(aId, a.token.tokenId));
  expect(token.body).toMatchObject({ status: 'REVOKED', revokeReason: 'LICENSE_EXPIRED' });
  expect(await emu.control.stats()).toMatchObject({ activeTokens: 0 });
  expectProblem(await sendHeartbeat(emu, b.token.value, heartbeat), 401, ProblemTypes.unauthorized);
  expect((await generateToken(emu, aId)).status).toBe('ACTIVE');
});

test('license expiry of one configuration leaves the others alone', async () => {
  const a = await createConfiguration(emu);
  const b = await createConfiguration(emu);
  expect(await emu.control.expireLicense(a.connectionConfiguration.connectionConfigurationId)).toBe(1);
  expect((await sendHeartbeat(emu, b.token.value, heartbeat)).status).toBe(200);
});
