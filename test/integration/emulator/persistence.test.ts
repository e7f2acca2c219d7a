/**
 * `--data-dir`: acknowledged changes survive a clean restart and a `kill -9` of the real
 * `protector emulator` process; without it, state lives in memory.
 */
import { mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiPaths, ConnectionConfigurationPageSchema, TokenSchema, TokenWithValueSchema } from '../../../src/api/schemas';
import { signedRequest, spawnEmulator, startInProcessEmulator, type InProcessEmulator, type RunningEmulator } from '../../helpers/emulator';
import { createConfiguration, generateToken, listTokens, revokeToken } from './fixtures';

let dataDir: string;
let edgercDir: string;
const running: RunningEmulator[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'protector-data-'));
  edgercDir = mkdtempSync(path.join(os.tmpdir(), 'protector-edgerc-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.stop()));
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(edgercDir, { recursive: true, force: true });
});

async function start(): Promise<RunningEmulator> {
  const emu = await spawnEmulator({ dataDir, edgercPath: path.join(edgercDir, 'edgerc') });
  running.push(emu);
  return emu;
}

test('state survives a clean restart (SIGTERM) with the same credentials', async () => {
  const first = await start();
  const created = await createConfiguration(first);
  const id = created.connectionConfiguration.connectionConfigurationId;
  const second = await generateToken(first, id, 'restart-key-01');
  await revokeToken(first, id, created.token.tokenId);
  await first.stop();

  const restarted = await start();
  expect(restarted.credentials.clientSecret).toBe(first.credentials.clientSecret);
  const tokens = await listTokens(restarted, id);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([second.tokenId]);
  expect(tokens.revoked.map((t) => [t.tokenId, t.revokeReason])).toEqual([[created.token.tokenId, 'MANUAL']]);
  // The idempotency record survived too: a retry after the restart returns the same token.
  expect((await generateToken(restarted, id, 'restart-key-01')).value).toBe(second.value);
});

test('nothing acknowledged is lost on kill -9', async () => {
  const emu = await start();
  const acknowledged: string[] = [];
  // Fire changes concurrently and kill the process right after the last answer arrives.
  const results = await Promise.all(
    Array.from({ length: 8 }, (_, i) =>
      signedRequest(emu, 'POST', ApiPaths.configurations(), {
        name: `cfg-${i}`,
        deploymentType: 'KUBERNETES',
        contractId: 'c',
        groupId: 'g',
      }),
    ),
  );
  for (const res of results) {
    expect(res.status).toBe(201);
    acknowledged.push((res.body as { connectionConfiguration: { connectionConfigurationId: string } }).connectionConfiguration.connectionConfigurationId);
  }
  const revoked = await generateToken(emu, acknowledged[0]);
  const revokeRes = await revokeToken(emu, acknowledged[0], revoked.tokenId);
  expect(TokenSchema.parse(revokeRes.body).status).toBe('REVOKED');
  await emu.kill9();

  const restarted = await start();
  const page = ConnectionConfigurationPageSchema.parse((await signedRequest(restarted, 'GET', `${ApiPaths.configurations()}?pageSize=100`)).body);
  expect(page.connectionConfigurations.map((c) => c.connectionConfigurationId).sort()).toEqual([...acknowledged].sort());
  const token = await signedRequest(restarted, 'GET', ApiPaths.token(acknowledged[0], revoked.tokenId));
  expect(token.body).toMatchObject({ status: 'REVOKED', revokeReason: 'MANUAL' });
  // A write interrupted by the kill never leaves a temporary file behind after the next start.
  expect(readdirSync(dataDir)).toEqual(['state.json']);
});

test('kill -9 in the middle of a burst of changes: every change that was answered is still there', async () => {
  const emu = await start();
  const acknowledged: string[] = [];
  let killing: Promise<void> | undefined;
  const burst = Array.from({ length: 30 }, (_, i) =>
    signedRequest(emu, 'POST', ApiPaths.configurations(), { name: `burst-${i}`, deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' })
      .then((res) => {
        if (res.status === 201) {
          acknowledged.push((res.body as { connectionConfiguration: { connectionConfigurationId: string } }).connectionConfiguration.connectionConfigurationId);
        }
        if (acknowledged.length === 10) killing = emu.kill9();
      })
      .catch(() => undefined /* the connection died with the process: not acknowledged */),
  );
  await Promise.all(burst);
  await killing;
  expect(acknowledged.length).toBeGreaterThanOrEqual(10);

  const restarted = await start();
  const page = ConnectionConfigurationPageSchema.parse((await signedRequest(restarted, 'GET', `${ApiPaths.configurations()}?pageSize=100`)).body);
  const recovered = new Set(page.connectionConfigurations.map((c) => c.connectionConfigurationId));
  expect(acknowledged.filter((id) => !recovered.has(id))).toEqual([]);
});

test('two concurrent generates against a persisting emulator: exactly one succeeds', async () => {
  const emu = await start();
  const created = await createConfiguration(emu);
  const id = created.connectionConfiguration.connectionConfigurationId;

  const results = await Promise.all([signedRequest(emu, 'POST', ApiPaths.tokens(id)), signedRequest(emu, 'POST', ApiPaths.tokens(id))]);

  expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  await emu.kill9();
  const restarted = await start();
  expect((await listTokens(restarted, id)).active).toHaveLength(2);
});

test('without --data-dir, state lives in memory only', async () => {
  const edgercPath = path.join(edgercDir, 'edgerc');
  const first = await spawnEmulator({ edgercPath });
  running.push(first);
  await createConfiguration(first);
  await first.stop();

  const second = await spawnEmulator({ edgercPath });
  running.push(second);
  expect((await second.control.stats()).configurations).toBe(0);
  expect(readdirSync(dataDir)).toEqual([]);
});

test('after a failed write, nothing is acknowledged until the state is on disk again', async () => {
  const edgercPath = path.join(edgercDir, 'edgerc');
  const stateDir = path.join(dataDir, 'state');
  const parked = path.join(dataDir, 'parked');
  const emulators: InProcessEmulator[] = [];
  const startInProcess = async () => {
    const emu = await startInProcessEmulator({ dataDir: stateDir, edgercPath });
    emulators.push(emu);
    return emu;
  };
  try {
    const emu = await startInProcess();
    const id = (await createConfiguration(emu)).connectionConfiguration.connectionConfigurationId;
    const generate = () => signedRequest(emu, 'POST', ApiPaths.tokens(id), undefined, { headers: { 'Idempotency-Key': 'disk-trouble-1' } });

    // The disk refuses writes: the data directory is replaced by a file.
    renameSync(stateDir, parked);
    writeFileSync(stateDir, '');
    expect((await generate()).status).toBe(500);
    // The token exists in memory now, but a retry must not be told so while it is not on disk.
    expect((await generate()).status).toBe(500);

    rmSync(stateDir);
    renameSync(parked, stateDir);
    const replay = await generate();
    expect(replay.status).toBe(201);
    const token = TokenWithValueSchema.parse(replay.body);
    await emu.close();

    const restarted = await startInProcess();
    expect((await listTokens(restarted, id)).active.map((t) => t.tokenId)).toContain(token.tokenId);
  } finally {
    await Promise.all(emulators.map((emu) => emu.close()));
  }
});
