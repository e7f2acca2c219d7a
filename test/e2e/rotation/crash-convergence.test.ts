/**
 * Crash convergence (bench/crash, `npm run bench:crash`: 20 runs) in short: two rotation applies
 * SIGKILLed mid-way (in generate, then in registration), each followed by a normal apply that
 * converges with no orphan token, no cap error and no authentication failure.
 */
import { runCrashes } from '../../../bench/crash/crash';

jest.setTimeout(600_000);

test('applies killed in generate and in registration converge on the next apply', async () => {
  const progress: string[] = [];
  const report = await runCrashes({ runs: 2, hosts: 2, maxMs: 480_000, random: () => 0.5, progress: (line) => progress.push(line) });

  // Compared together with the run's progress lines, so a failure shows where each kill landed.
  const outcome = report.records.map(({ phase, converged, error, orphanActiveTokens, capErrors, tokensGenerated }) => ({
    phase,
    converged,
    error,
    orphanActiveTokens,
    capErrors,
    tokensGenerated,
  }));
  const settled = { converged: true, error: undefined, orphanActiveTokens: 0, capErrors: 0, tokensGenerated: 1 };
  expect({ outcome, progress }).toEqual({
    outcome: [
      { phase: 'generate', ...settled },
      { phase: 'registration', ...settled },
    ],
    progress: expect.any(Array),
  });
  expect(report.authFailures).toBe(0);
});
