/**
 * The emulator restarts (same port, same data dir) while the client is mid-run: calls that hit
 * the gap see refused connections, back off, and complete once it is back, with nothing lost
 * and nothing duplicated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiLogEvent, ProtectorClient, loadCredentials } from '../../../src/api';
import { type InProcessEmulator, startInProcessEmulator } from '../../helpers/emulator';

let dir: string;
const running: InProcessEmulator[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'client-restart-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(port?: number): Promise<InProcessEmulator> {
  const emu = await startInProcessEmulator({ dataDir: join(dir, 'data'), edgercPath: join(dir, 'edgerc'), port });
  running.push(emu);
  return emu;
}

async function stop(emu: InProcessEmulator): Promise<void> {
  running.splice(running.indexOf(emu), 1);
  await emu.close();
}

test('calls made while the emulator restarts complete once it is back, without duplicates', async () => {
  const first = await start();
  const port = Number(new URL(first.url).port);
  const events: ApiLogEvent[] = [];
  const client = new ProtectorClient({
    credentials: loadCredentials({ edgerc: join(dir, 'edgerc'), env: {} }),
    maxRetries: 10,
    retry: { baseDelayMs: 100, maxDelayMs: 400 },
    logger: (e) => events.push(e),
  });
  const { connectionConfiguration, token: initial } = await client.createConnectionConfiguration({
    name: 'restart',
    deploymentType: 'KUBERNETES',
    contractId: 'c',
    groupId: 'g',
  });
  const configId = connectionConfiguration.connectionConfigurationId;

  await stop(first);
  const generated = client.generateToken(configId);
  const listed = client.listTokens(configId);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const second = await start(port);

  const token = await generated;
  await listed;
  expect(events.filter((e) => e.failure === 'ECONNREFUSED').length).toBeGreaterThanOrEqual(2);

  const tokens = await client.listTokens(configId);
  expect(tokens.active.map((t) => t.tokenId)).toEqual([initial.tokenId, token.tokenId]);
  expect((await client.getTokenValue(configId, initial.tokenId)).value).toBe(initial.value);
  expect((await second.control.stats()).activeTokens).toBe(2);
});
