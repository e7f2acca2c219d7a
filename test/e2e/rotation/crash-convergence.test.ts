/**
 * Crash convergence (bench/crash, `npm run bench:crash`: 20 runs) in short: two rotation applies
 * SIGKILLed mid-way (in generate, then in registration), each followed by a normal apply that
 * converges with no orphan token, no cap error and no authentication failure.
 */
import { runCrashes } from '../../../bench/crash/crash';

jest.setTimeout(600_000);

test('applies killed in generate and in registration converge on the next apply', async () => {
  const report = await runCrashes({ runs: 2, hosts: 2, maxMs: 480_000, random: () => 0.5 });

  expect(report.records.map((r) => ({ phase: r.phase, converged: r.converged, error: r.error }))).toEqual([
    { phase: 'generate', converged: true, error: undefined },
    { phase: 'registration', converged: true, error: undefined },
  ]);
  for (const record of report.records) expect(record).toMatchObject({ orphanActiveTokens: 0, capErrors: 0, tokensGenerated: 1 });
  expect(report.authFailures).toBe(0);
});
