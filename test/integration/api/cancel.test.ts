/**
 * Issue 9, item 2: StopProvider must interrupt any wait. The client takes the provider's stop
 * signal: aborting it ends a call that waits for an answer or for its next retry at once, with an
 * error that says the call was cancelled (and is safe to repeat). Real HTTP to the emulator.
 */
import { ProtectorClient, RequestCancelledError, loadCredentials } from '../../../src/api';
import { type InProcessEmulator, startInProcessEmulator } from '../../helpers/emulator';

let emu: InProcessEmulator;
beforeAll(async () => {
  emu = await startInProcessEmulator();
});
afterAll(async () => {
  await emu.control.setFaults({});
  await emu.close();
});

function clientStoppedBy(signal: AbortSignal, retry: { baseDelayMs?: number; maxDelayMs?: number } = {}): ProtectorClient {
  return new ProtectorClient({ credentials: loadCredentials({ edgerc: emu.edgercPath, section: emu.section, env: {} }), signal, retry });
}

async function timedRejection(promise: Promise<unknown>): Promise<{ error: Error; ms: number }> {
  const started = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error: error as Error, ms: Date.now() - started };
  }
  throw new Error('expected a rejection');
}

test('a stop while waiting for a slow answer cancels the call at once', async () => {
  await emu.control.setFaults({ latencyMs: 20_000, maxFaults: 1 });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 300);
  const { error, ms } = await timedRejection(clientStoppedBy(stop.signal).listConnectionConfigurations());
  expect(error).toBeInstanceOf(RequestCancelledError);
  expect(error.message).toMatch(/GET \/protector\/v1\/connection-configurations.*cancelled/);
  expect(ms).toBeLessThan(10_000);
  await emu.control.setFaults({});
}, 40_000);

test('a stop while waiting to retry cancels the call at once', async () => {
  await emu.control.setFaults({ serverErrorRate: 1 });
  const stop = new AbortController();
  setTimeout(() => stop.abort(), 500);
  const { error, ms } = await timedRejection(clientStoppedBy(stop.signal, { baseDelayMs: 30_000, maxDelayMs: 30_000 }).listConnectionConfigurations());
  expect(error).toBeInstanceOf(RequestCancelledError);
  expect(ms).toBeLessThan(10_000);
  await emu.control.setFaults({});
}, 40_000);

test('a client whose signal is already aborted sends nothing', async () => {
  const before = (await emu.control.stats()) as unknown as Record<string, number>;
  await expect(clientStoppedBy(AbortSignal.abort()).listConnectionConfigurations()).rejects.toBeInstanceOf(RequestCancelledError);
  expect(await emu.control.stats()).toEqual(before);
});
