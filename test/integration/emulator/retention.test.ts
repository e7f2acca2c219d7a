/**
 * The emulator as the embedded default runs for months: it keeps only what the contract lists
 * (issue 9), and heartbeats do not rewrite the whole state per request.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ActivityLogSchema, ApiPaths, InstanceListSchema, LISTED_REVOKED_TOKENS, ProblemTypes, TokenSchema } from '../../../src/api/schemas';
import { EmulatorStateSchema, type EmulatorState } from '../../../src/emulator/state';
import { MAX_ACTIVITY_PER_DELETED_CONFIGURATION, MAX_DELETED_CONFIGURATIONS_KEPT } from '../../../src/emulator/tables';
import { sendHeartbeat, signedRequest, spawnEmulator, startInProcessEmulator, type InProcessEmulator } from '../../helpers/emulator';
import { createConfiguration, expectProblem, generateToken, KUBERNETES_CONFIG, listTokens, revokeToken } from './fixtures';

let dir: string;
const started: { stop(): Promise<void> }[] = [];
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'protector-retention-'));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((emu) => emu.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function inProcess(opts: Parameters<typeof startInProcessEmulator>[0] = {}): Promise<InProcessEmulator> {
  const emu = await startInProcessEmulator(opts);
  started.push(emu);
  return emu;
}

function stateFile(dataDir: string): EmulatorState {
  return EmulatorStateSchema.parse(JSON.parse(readFileSync(path.join(dataDir, 'state.json'), 'utf8')));
}

const heartbeat = { instanceId: 'pod-a', deploymentType: 'KUBERNETES', version: '1.0.0' } as const;

test('only the 3 most recently revoked tokens of a configuration are kept; stats still count every token generated', async () => {
  const dataDir = path.join(dir, 'data');
  const emu = await inProcess({ dataDir });
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const revoked: string[] = [];
  let current = created.token.tokenId;
  for (let rotation = 0; rotation < 6; rotation += 1) {
    const next = await generateToken(emu, id);
    expect((await revokeToken(emu, id, current)).status).toBe(200);
    revoked.push(current);
    current = next.tokenId;
  }

  const kept = stateFile(dataDir).tokens.filter((t) => t.connectionConfigurationId === id);
  expect(kept.filter((t) => t.status === 'ACTIVE').map((t) => t.tokenId)).toEqual([current]);
  expect(
    kept
      .filter((t) => t.status === 'REVOKED')
      .map((t) => t.tokenId)
      .sort(),
  ).toEqual(revoked.slice(-LISTED_REVOKED_TOKENS).sort());
  expect((await listTokens(emu, id)).revoked.map((t) => t.tokenId)).toEqual(revoked.slice(-LISTED_REVOKED_TOKENS).reverse());
  // A token the list no longer shows is gone: a contract not-found, which a client reads as "revoked long ago".
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.token(id, revoked[0])), 404, ProblemTypes.notFound);
  expect((await emu.control.stats()).tokensGenerated).toBe(7);
});

test('a deleted configuration loses its instances at once, and its activity down to the last events', async () => {
  const dataDir = path.join(dir, 'data');
  const emu = await inProcess({ dataDir });
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  expect((await sendHeartbeat(emu, created.token.value, heartbeat)).status).toBe(200);
  let current = created.token.tokenId;
  for (let rotation = 0; rotation < MAX_ACTIVITY_PER_DELETED_CONFIGURATION / 2 + 5; rotation += 1) {
    const next = await generateToken(emu, id);
    await revokeToken(emu, id, current);
    current = next.tokenId;
  }

  expect((await signedRequest(emu, 'DELETE', ApiPaths.configuration(id))).status).toBe(204);

  const state = stateFile(dataDir);
  expect(state.instances.filter((i) => i.connectionConfigurationId === id)).toEqual([]);
  const events = ActivityLogSchema.parse((await signedRequest(emu, 'GET', ApiPaths.activity(id))).body).events;
  expect(events).toHaveLength(MAX_ACTIVITY_PER_DELETED_CONFIGURATION);
  expect(events[events.length - 1].type).toBe('CONFIGURATION_DELETED');
  // Still readable: the token the configuration had when it was deleted.
  expect(TokenSchema.parse((await signedRequest(emu, 'GET', ApiPaths.token(id, current))).body)).toMatchObject({
    status: 'REVOKED',
    revokeReason: 'CONFIGURATION_DELETED',
  });
});

test(`deleted configurations are forgotten once ${MAX_DELETED_CONFIGURATIONS_KEPT} more recent ones were deleted`, async () => {
  const emu = await inProcess();
  const deleted: { id: string; tokenId: string }[] = [];
  for (let i = 0; i <= MAX_DELETED_CONFIGURATIONS_KEPT; i += 1) {
    const created = await createConfiguration(emu, { ...KUBERNETES_CONFIG, name: `cycle-${i}` });
    const id = created.connectionConfiguration.connectionConfigurationId;
    expect((await signedRequest(emu, 'DELETE', ApiPaths.configuration(id))).status).toBe(204);
    deleted.push({ id, tokenId: created.token.tokenId });
  }

  const oldest = deleted[0];
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.token(oldest.id, oldest.tokenId)), 404, ProblemTypes.notFound);
  expectProblem(await signedRequest(emu, 'GET', ApiPaths.activity(oldest.id)), 404, ProblemTypes.notFound);
  const second = deleted[1];
  expect((await signedRequest(emu, 'GET', ApiPaths.token(second.id, second.tokenId))).status).toBe(200);
});

test('heartbeats do not rewrite the state file per request; they are written within the interval and on close', async () => {
  const dataDir = path.join(dir, 'data');
  const emu = await startInProcessEmulator({ dataDir, heartbeatPersistIntervalMs: 60_000 });
  let closed = false;
  started.push({ stop: async () => void (closed ? undefined : await emu.close()) });
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const before = readFileSync(path.join(dataDir, 'state.json'), 'utf8');

  for (let i = 0; i < 20; i += 1) expect((await sendHeartbeat(emu, created.token.value, { ...heartbeat, instanceId: `pod-${i}` })).status).toBe(200);

  expect(readFileSync(path.join(dataDir, 'state.json'), 'utf8')).toBe(before);
  expect(InstanceListSchema.parse((await signedRequest(emu, 'GET', ApiPaths.instances(id))).body).instances).toHaveLength(20);

  // A token change is written before its answer, and carries the heartbeats waiting with it.
  const second = await generateToken(emu, id);
  const afterChange = stateFile(dataDir);
  expect(afterChange.tokens.map((t) => t.tokenId)).toContain(second.tokenId);
  expect(afterChange.instances).toHaveLength(20);

  await sendHeartbeat(emu, second.value, { ...heartbeat, instanceId: 'pod-late' });
  expect(stateFile(dataDir).instances).toHaveLength(20);
  await emu.close();
  closed = true;
  expect(stateFile(dataDir).instances).toHaveLength(21);
});

test('kill -9: heartbeats older than the interval survive, and so does every token change', async () => {
  const dataDir = path.join(dir, 'data');
  const emu = await spawnEmulator({ dataDir, edgercPath: path.join(dir, 'edgerc') });
  started.push(emu);
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;
  expect((await sendHeartbeat(emu, created.token.value, heartbeat)).status).toBe(200);
  // Twice the default interval (1 s), plus slack for a loaded machine.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  const second = await generateToken(emu, id);
  await revokeToken(emu, id, created.token.tokenId);
  await emu.kill9();

  const restarted = await spawnEmulator({ dataDir, edgercPath: path.join(dir, 'edgerc') });
  started.push(restarted);
  const instances = InstanceListSchema.parse((await signedRequest(restarted, 'GET', ApiPaths.instances(id))).body).instances;
  expect(instances.map((i) => i.instanceId)).toEqual(['pod-a']);
  const tokens = await listTokens(restarted, id);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([second.tokenId]);
  expect(tokens.revoked.map((t) => t.tokenId)).toEqual([created.token.tokenId]);
});

test('an older state file that kept everything is pruned when loaded', async () => {
  const dataDir = path.join(dir, 'data');
  const first = await inProcess({ dataDir });
  const created = await createConfiguration(first);
  const id = created.connectionConfiguration.connectionConfigurationId;
  await first.close();
  // Forge what an emulator without retention left behind: ten revoked tokens.
  const state = stateFile(dataDir);
  const template = state.tokens[0];
  for (let i = 0; i < 10; i += 1) {
    state.tokens.push({
      ...template,
      tokenId: `tok_old${String(i).padStart(10, '0')}`,
      value: `aap_${'x'.repeat(40)}${i}`,
      status: 'REVOKED',
      revokeReason: 'MANUAL',
      revokedAt: template.createdAt,
      createdSeq: 100 + i,
      revokedSeq: 200 + i,
    });
  }
  const { writeFileSync } = await import('node:fs');
  writeFileSync(path.join(dataDir, 'state.json'), JSON.stringify(state), { mode: 0o600 });

  const second = await inProcess({ dataDir });
  expect((await listTokens(second, id)).revoked.map((t) => t.tokenId)).toEqual(['tok_old0000000009', 'tok_old0000000008', 'tok_old0000000007']);
  expectProblem(await signedRequest(second, 'GET', ApiPaths.token(id, 'tok_old0000000000')), 404, ProblemTypes.notFound);
});
