/**
 * The client against the real emulator with faults injected: 5xx, 429 with Retry-After,
 * latency beyond the timeout, and connections dropped after the change was committed. The
 * promise under test: the call succeeds (or fails clearly) and never creates a duplicate.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiLogEvent, ApiUnavailableError, ProtectorClient, type ProtectorClientOptions, RateLimitedError, NotFoundError, loadCredentials } from '../../../src/api';
import { type InProcessEmulator, startInProcessEmulator } from '../../helpers/emulator';

let emu: InProcessEmulator;
let events: ApiLogEvent[];
let sleeps: number[];

beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.close();
});
beforeEach(() => {
  events = [];
  sleeps = [];
});
afterEach(async () => {
  await emu.control.clearFaults();
});

/** A client that really waits, but records every wait it was asked for. */
function clientWith(options: Partial<ProtectorClientOptions> = {}): ProtectorClient {
  return new ProtectorClient({
    credentials: loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} }),
    logger: (event) => events.push(event),
    retry: { baseDelayMs: 50, maxDelayMs: 400 },
    sleep: (ms) => {
      sleeps.push(ms);
      return new Promise((resolve) => setTimeout(resolve, ms));
    },
    ...options,
  });
}

async function newConfiguration(client: ProtectorClient): Promise<string> {
  const created = await client.createConnectionConfiguration({
    name: `cfg-${randomUUID().slice(0, 8)}`,
    deploymentType: 'KUBERNETES',
    contractId: 'ctr_1',
    groupId: 'grp_1',
  });
  events.length = 0;
  return created.connectionConfiguration.connectionConfigurationId;
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

test('503s are retried with backoff until the token is generated, exactly once', async () => {
  const client = clientWith();
  const configId = await newConfiguration(client);
  const before = await emu.control.stats();
  await emu.control.setFaults({ serverErrorRate: 1, maxFaults: 3, pathPattern: '**/tokens' });

  const token = await client.generateToken(configId);

  expect(events.map((e) => e.status)).toEqual([503, 503, 503, 201]);
  expect(events.slice(0, 3).every((e) => e.retryInMs !== undefined && e.retryInMs < 400)).toBe(true);
  expect(events.map((e) => e.attempt)).toEqual([1, 2, 3, 4]);
  const after = await emu.control.stats();
  expect(after.tokensGenerated).toBe(before.tokensGenerated + 1);
  expect((await client.listTokens(configId)).active.map((t) => t.tokenId)).toContain(token.tokenId);
});

test('429 waits as long as Retry-After says, then succeeds', async () => {
  const client = clientWith();
  const configId = await newConfiguration(client);
  await emu.control.setFaults({ rateLimitRate: 1, retryAfterSeconds: 1, maxFaults: 2, pathPattern: '**/tokens' });

  const started = Date.now();
  await client.listTokens(configId);

  expect(events.map((e) => e.status)).toEqual([429, 429, 200]);
  expect(sleeps).toEqual([1000, 1000]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(2000);
});

test('429 for longer than the retries allow is a RateLimitedError', async () => {
  const client = clientWith({ maxRetries: 1 });
  const configId = await newConfiguration(client);
  await emu.control.setFaults({ rateLimitRate: 1, retryAfterSeconds: 0, pathPattern: '**/tokens' });
  const error = await rejectionOf(client.listTokens(configId));
  expect(error).toBeInstanceOf(RateLimitedError);
  expect(error.message).toMatch(/after 2 attempt/);
});

test('latency within the timeout is just slow', async () => {
  const client = clientWith({ timeoutMs: 2000 });
  const configId = await newConfiguration(client);
  await emu.control.setFaults({ latencyMs: 300, pathPattern: '**/tokens' });
  await client.generateToken(configId);
  expect(events).toHaveLength(1);
  expect(events[0]!.durationMs).toBeGreaterThanOrEqual(290);
});

test('timeouts on generate are retried with the same key: one token, not several', async () => {
  const client = clientWith({ timeoutMs: 150 });
  const configId = await newConfiguration(client);
  const before = await emu.control.stats();
  await emu.control.setFaults({ latencyMs: 400, maxFaults: 2, pathPattern: '**/tokens' });

  const token = await client.generateToken(configId);

  expect(events.slice(0, 2).map((e) => e.failure)).toEqual(['ECONNABORTED', 'ECONNABORTED']);
  expect(events.at(-1)!.status).toBeGreaterThanOrEqual(200);
  // The timed-out attempts may have committed on the server: the key makes them one token.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect((await emu.control.stats()).tokensGenerated).toBe(before.tokensGenerated + 1);
  expect((await client.listTokens(configId)).active.map((t) => t.tokenId)).toEqual([expect.any(String), token.tokenId]);
});

test('a connection dropped after generate committed: the retry returns the committed token', async () => {
  const client = clientWith();
  const configId = await newConfiguration(client);
  const before = await emu.control.stats();
  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1, pathPattern: '**/tokens' });

  const token = await client.generateToken(configId);

  expect(events[0]).toMatchObject({ failure: 'ECONNRESET', attempt: 1 });
  expect(events[1]).toMatchObject({ attempt: 2 });
  expect((await emu.control.stats()).tokensGenerated).toBe(before.tokensGenerated + 1);
  const tokens = await client.listTokens(configId);
  expect(tokens.active).toHaveLength(2);
  expect(tokens.active[1]!.tokenId).toBe(token.tokenId);
});

test('a connection dropped after create committed: still one configuration', async () => {
  const client = clientWith();
  const before = await emu.control.stats();
  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1, pathPattern: '**/connection-configurations' });

  const created = await client.createConnectionConfiguration({ name: 'once', deploymentType: 'KUBERNETES', contractId: 'c', groupId: 'g' });

  expect(events[0]!.failure).toBe('ECONNRESET');
  const after = await emu.control.stats();
  expect(after.configurations).toBe(before.configurations + 1);
  expect(after.tokensGenerated).toBe(before.tokensGenerated + 1);
  expect((await client.getConnectionConfiguration(created.connectionConfiguration.connectionConfigurationId)).name).toBe('once');
});

test('dropped after revoke or delete committed: the retry sees it done and succeeds', async () => {
  const client = clientWith();
  const configId = await newConfiguration(client);
  await client.generateToken(configId);
  const first = (await client.listTokens(configId)).active[0]!;

  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1, pathPattern: '**/revoke' });
  events.length = 0;
  expect((await client.revokeToken(configId, first.tokenId)).status).toBe('REVOKED');
  expect(events.map((e) => e.failure ?? e.status)).toEqual(['ECONNRESET', 200]);

  await emu.control.setFaults({ dropAfterCommitRate: 1, maxFaults: 1, pathPattern: `**/${configId}` });
  events.length = 0;
  await client.deleteConnectionConfiguration(configId);
  expect(events.map((e) => e.failure ?? e.status)).toEqual(['ECONNRESET', 404]);
  await expect(client.getConnectionConfiguration(configId)).rejects.toBeInstanceOf(NotFoundError);
});

test('an API that stays down ends in ApiUnavailableError saying what was tried and what to check', async () => {
  const client = clientWith({ maxRetries: 2 });
  const configId = await newConfiguration(client);
  await emu.control.setFaults({ serverErrorRate: 1, pathPattern: '**/tokens' });
  const error = await rejectionOf(client.generateToken(configId));
  expect(error).toBeInstanceOf(ApiUnavailableError);
  expect((error as ApiUnavailableError).attempts).toEqual(['HTTP 503', 'HTTP 503', 'HTTP 503']);
  expect(error.message).toContain(`POST /protector/v1/connection-configurations/${configId}/tokens failed after 3 attempt(s)`);
  expect(error.message).toContain(emu.url);
  expect(error.message).toMatch(/safe to repeat/);
});

test('a server that is not there is ECONNREFUSED, retried, then ApiUnavailableError', async () => {
  const gone = await startInProcessEmulator();
  const credentials = loadCredentials({ edgerc: gone.edgercPath, section: gone.section, env: {} });
  await gone.close();
  const client = new ProtectorClient({ credentials, maxRetries: 2, retry: { baseDelayMs: 10 }, logger: (e) => events.push(e) });
  const error = await rejectionOf(client.listConnectionConfigurations());
  expect(error).toBeInstanceOf(ApiUnavailableError);
  expect(events.map((e) => e.failure)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
  expect(error.message).toMatch(/is `protector emulator` still running/);
});

test('a DELETE answered 500 after it was done (the server could not save): the retry finds it gone and succeeds', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'client-500-'));
  const stateDir = join(dir, 'state');
  const saving = await startInProcessEmulator({ dataDir: stateDir, edgercPath: join(dir, 'edgerc') });
  try {
    const repairDisk = () => {
      rmSync(stateDir);
      renameSync(join(dir, 'parked'), stateDir);
    };
    const client = new ProtectorClient({
      credentials: loadCredentials({ edgerc: join(dir, 'edgerc'), env: {} }),
      logger: (event) => events.push(event),
      // The disk comes back while the client waits to retry.
      sleep: async () => repairDisk(),
    });
    const configId = await newConfiguration(client);
    renameSync(stateDir, join(dir, 'parked'));
    writeFileSync(stateDir, '');

    await client.deleteConnectionConfiguration(configId);

    expect(events.map((e) => e.status)).toEqual([500, 404]);
    await expect(client.getConnectionConfiguration(configId)).rejects.toBeInstanceOf(NotFoundError);
  } finally {
    await saving.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
