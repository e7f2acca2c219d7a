/**
 * The soak (bench/soak, `npm run soak`: 100 rotations) in short: a few rotations under the same
 * faults. Every rotation completes, leaves exactly one active token (the one in state), generates
 * exactly one token, and no instance ever fails to authenticate.
 */
import { runSoak, SOAK_FAULTS } from '../../../bench/soak/soak';

jest.setTimeout(600_000);

test('rotations under 503s, 429s, jittered latency and dropped connections: 1 active token each time, no orphans, no auth failures', async () => {
  const report = await runSoak({ rotations: 2, hosts: 3, faults: SOAK_FAULTS, maxMs: 480_000, applyTimeoutMs: 240_000 });

  expect(report.records.map((r) => ({ ok: r.ok, error: r.error, active: r.activeTokens, isStateToken: r.activeIsStateToken }))).toEqual([
    { ok: true, error: undefined, active: 1, isStateToken: true },
    { ok: true, error: undefined, active: 1, isStateToken: true },
  ]);
  expect(report.tokensGenerated).toBe(2);
  expect(report.authFailures).toBe(0);
  expect(report.heartbeats).toBeGreaterThan(0);
});
